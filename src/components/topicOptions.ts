import { ComboboxOption } from '@grafana/ui';

import { TOPIC_FAMILIES, TopicInfo } from '../types';

const familyLabel = (f: string | undefined) =>
  (TOPIC_FAMILIES.find((fam) => fam.value === f) ?? TOPIC_FAMILIES[TOPIC_FAMILIES.length - 1]).label;
const familyOrder = (f: string | undefined) => {
  const i = TOPIC_FAMILIES.findIndex((fam) => fam.value === f);
  return i < 0 ? TOPIC_FAMILIES.length : i;
};

/** Names of the topics people use most, by id (case-insensitive). */
const KNOWN_NAMES: Record<string, string> = {
  'v2.analytics.queues.{id}.observations': 'Queue observations',
  'v2.routing.queues.{id}.conversations': 'Queue conversations',
  'v2.routing.queues.{id}.users': 'Queue members',
  'v2.users.{id}.presence': 'Agent presence',
  'v2.users.{id}.routingstatus': 'Agent routing status',
  'v2.users.{id}.activity': 'Agent activity',
  'v2.users.{id}.conversations': 'Agent conversations',
  'v2.users.{id}.conversationsummary': 'Agent conversation summary',
};

/** "routingStatus" → "routing status", "acd" → "ACD". */
function words(segment: string): string {
  const spaced = segment.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced === 'acd' || spaced === 'acw' ? spaced.toUpperCase() : spaced;
}

/**
 * A human name for a topic id: the known ones by name, others from their words
 * (v2.routing.queues.{id}.calls → "Queue calls", v2.detail.events.conversation.{id}.acd.start →
 * "Conversation detail: ACD start").
 */
export function topicName(id: string): string {
  const known = KNOWN_NAMES[id.toLowerCase()];
  if (known) {
    return known;
  }
  const parts = id.split('.').filter((p) => p !== 'v2' && p !== '{id}');
  let subject: string[] = [];
  let rest = parts;
  if (parts[0] === 'detail' && parts[1] === 'events') {
    subject = [`${parts[2] ?? ''} detail:`];
    rest = parts.slice(3);
  } else if (parts[0] === 'routing' && parts[1] === 'queues') {
    subject = ['queue'];
    rest = parts.slice(2);
  } else if (parts[0] === 'analytics' && parts[1] === 'queues') {
    subject = ['queue'];
    rest = parts.slice(2);
  } else if (parts[0] === 'users') {
    subject = ['agent'];
    rest = parts.slice(1);
  }
  const text = [...subject, ...rest.map(words)].join(' ').trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : id;
}

/** Topic picker options grouped by family (queues, users, conversations, analytics, other): a
 * human name as the label, and the topic id, its description and the permissions it needs as
 * the secondary text. */
export function topicOptions(topics: TopicInfo[]): Array<ComboboxOption<string>> {
  return [...topics]
    .sort((a, b) => familyOrder(a.family) - familyOrder(b.family) || a.id.localeCompare(b.id))
    .map((t) => {
      const perms = t.requiresPermissions?.length ? `Requires: ${t.requiresPermissions.join(', ')}` : '';
      return {
        value: t.id,
        label: topicName(t.id),
        group: familyLabel(t.family),
        description: [t.id, t.description, perms].filter(Boolean).join(' — '),
      };
    });
}
