import React, { useCallback, useState } from 'react';
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

/** Searchable multi-select over /queues or /users; template variables and raw ids allowed. */
export function EntitySelect({ api, kind, ids, id, onChange }: Props) {
  // Names of ids seen in search results, so selected ids keep their names between searches.
  const [names, setNames] = useState<Record<string, string>>({});
  const load = useCallback(
    async (search: string) => {
      const page = await fetchEntities(api, kind, search);
      setNames((prev) => ({ ...prev, ...Object.fromEntries(page.items.map((it) => [it.id, it.name])) }));
      const vars = variableOptions().filter((v) => !search || v.value.includes(search));
      return [...vars, ...page.items.map((it) => ({ value: it.id, label: it.name, description: it.id }))];
    },
    [api, kind]
  );
  return (
    <MultiCombobox<string>
      key={kind}
      id={id}
      aria-labelledby={`${id}-label`}
      width={60}
      options={load}
      createCustomValue
      placeholder={kind === 'users' ? 'Search users or type $variable' : 'Search queues or type $variable'}
      value={ids.map((v) => ({ value: v, label: names[v] ?? v }))}
      onChange={(opts) => onChange(opts.map((o) => o.value).filter(Boolean))}
    />
  );
}
