import React, { useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Field, Input, RadioButtonGroup } from '@grafana/ui';

import { GenesysOptions, GenesysQuery, GenesysVariableQuery, VariableValuesSource } from '../types';

type Props = QueryEditorProps<VariableValuesSource, GenesysQuery, GenesysOptions, GenesysVariableQuery>;

const KINDS: Array<SelectableValue<GenesysVariableQuery['kind']>> = [
  { value: 'queues', label: 'Queues' },
  { value: 'users', label: 'Users' },
  { value: 'topics', label: 'Topics' },
];

/** Variable editor: values are ids (names as text) of queues or users, or topic templates. */
export function VariableQueryEditor({ query, onChange }: Props) {
  const kind = query?.kind ?? 'queues';
  const [filter, setFilter] = useState(query?.query ?? '');
  const emit = (patch: Partial<GenesysVariableQuery>) =>
    onChange({ refId: query?.refId ?? 'variable', kind, query: filter, ...patch });
  return (
    <>
      <Field label="List">
        <RadioButtonGroup options={KINDS} value={kind} onChange={(v) => emit({ kind: v })} />
      </Field>
      {kind !== 'topics' && (
        <Field label="Name filter" description="Only names containing this text." htmlFor="genesys-variable-filter">
          <Input
            id="genesys-variable-filter"
            width={40}
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
            onBlur={() => emit({ query: filter })}
          />
        </Field>
      )}
    </>
  );
}
