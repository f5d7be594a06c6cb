import React, { useCallback, useMemo, useState } from 'react';
import { getTemplateSrv } from '@grafana/runtime';
import { ComboboxOption, MultiCombobox } from '@grafana/ui';

import { ResourceGetter, fetchEntities } from '../resources';
import { EntityKind } from '../types';

interface Props {
  api: ResourceGetter;
  kind: EntityKind;
  ids: string[];
  id: string;
  onChange: (ids: string[]) => void;
}

/** Dashboard variables offered as entity ids, e.g. `$queue`. */
export function variableOptions(): Array<ComboboxOption<string>> {
  return getTemplateSrv()
    .getVariables()
    .map((v) => ({ value: `$${v.name}`, label: `$${v.name}`, description: 'Template variable' }));
}

/**
 * Searchable multi-select over /queues or /users; template variables and raw ids allowed.
 *
 * The MultiCombobox is not remounted when the kind changes (a remount while Grafana's
 * floating menu is attached re-runs floating-ui's setReference in a loop: React error #185 in
 * Explore); the loader changes with the kind instead, so the next opening lists the new kind.
 * The value array keeps its identity while ids and known names do not change.
 */
export function EntitySelect({ api, kind, ids, id, onChange }: Props) {
  // Names of ids seen in search results, so selected ids keep their names between searches.
  const [names, setNames] = useState<Record<string, string>>({});
  const load = useCallback(
    async (search: string) => {
      const page = await fetchEntities(api, kind, search);
      // Unchanged names keep the state (and so the value array) as it is.
      setNames((prev) =>
        page.items.some((it) => prev[it.id] !== it.name)
          ? { ...prev, ...Object.fromEntries(page.items.map((it) => [it.id, it.name])) }
          : prev
      );
      const vars = variableOptions().filter((v) => !search || v.value.includes(search));
      return [...vars, ...page.items.map((it) => ({ value: it.id, label: it.name, description: it.id }))];
    },
    [api, kind]
  );
  const idsKey = ids.join('\n');
  const value = useMemo(
    () => (idsKey ? idsKey.split('\n') : []).map((v) => ({ value: v, label: names[v] ?? v })),
    [idsKey, names]
  );
  return (
    <MultiCombobox<string>
      id={id}
      aria-labelledby={`${id}-label`}
      width={60}
      options={load}
      createCustomValue
      placeholder={kind === 'users' ? 'Search users or type $variable' : 'Search queues or type $variable'}
      value={value}
      onChange={(opts) => onChange(opts.map((o) => o.value).filter(Boolean))}
    />
  );
}
