import { ComboboxOption } from '@grafana/ui';

import { TOPIC_FAMILIES, TopicInfo } from '../types';

const familyLabel = (f: string | undefined) =>
  (TOPIC_FAMILIES.find((fam) => fam.value === f) ?? TOPIC_FAMILIES[TOPIC_FAMILIES.length - 1]).label;
const familyOrder = (f: string | undefined) => {
  const i = TOPIC_FAMILIES.findIndex((fam) => fam.value === f);
  return i < 0 ? TOPIC_FAMILIES.length : i;
};

/** Topic picker options grouped by family (queues, users, conversations, analytics, other), each
 * showing its description and the permissions it needs. */
export function topicOptions(topics: TopicInfo[]): Array<ComboboxOption<string>> {
  return [...topics]
    .sort((a, b) => familyOrder(a.family) - familyOrder(b.family) || a.id.localeCompare(b.id))
    .map((t) => {
      const perms = t.requiresPermissions?.length ? `Requires: ${t.requiresPermissions.join(', ')}` : '';
      return {
        value: t.id,
        label: t.id,
        group: familyLabel(t.family),
        description: [t.description, perms].filter(Boolean).join(' — '),
      };
    });
}
