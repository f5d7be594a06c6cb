import React, { useEffect, useMemo, useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, Combobox, Field, Label, MultiCombobox, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { fetchTopics } from '../resources';
import { GenesysOptions, GenesysQuery, QueryFormat, TopicInfo, entityKindFor, topicNeedsIds } from '../types';
import { EntitySelect } from './EntitySelect';
import { Notices } from './Notices';
import { topicOptions } from './topicOptions';

type Props = QueryEditorProps<DataSource, GenesysQuery, GenesysOptions>;

const QUERY_TYPES: Array<SelectableValue<'events' | 'status'>> = [
  { value: 'events', label: 'Topic events' },
  { value: 'status', label: 'Connection status' },
];
const FORMATS: Array<SelectableValue<QueryFormat>> = [
  { value: 'events', label: 'Events', description: 'One row per event' },
  { value: 'latest', label: 'Latest', description: 'Last value per topic (stat panels, alerts)' },
];

/**
 * The label of a MultiCombobox field. Grafana 12.3's MultiCombobox ignores `id`, so a Field's
 * htmlFor does not reach its input there (13.x forwards it); both versions honour
 * aria-labelledby, which points at this label's id (`<input id>-label`).
 */
function PickerLabel({ htmlFor, text, description }: { htmlFor: string; text: string; description?: string }) {
  return (
    <Label id={`${htmlFor}-label`} htmlFor={htmlFor} description={description}>
      {text}
    </Label>
  );
}

export function QueryEditor({ query, onChange, onRunQuery, datasource, data }: Props) {
  const [topics, setTopics] = useState<TopicInfo[]>([]);
  const [loadError, setLoadError] = useState<string>();
  useEffect(() => {
    let live = true;
    fetchTopics(datasource)
      .then((t) => live && setTopics(t))
      .catch((e) => live && setLoadError(e?.data?.error ?? e?.message ?? 'could not load topics'));
    return () => {
      live = false;
    };
  }, [datasource]);

  const topic = topics.find((t) => t.id === query.topic);
  const options = useMemo(() => topicOptions(topics), [topics]);
  const fieldOptions = (topic?.fields ?? []).map((f) => ({ value: f, label: f }));
  const isStatus = query.queryType === 'status';

  const update = (patch: Partial<GenesysQuery>) => {
    const next = { ...query, ...patch };
    onChange(next);
    if (datasource.filterQuery(next)) {
      onRunQuery();
    }
  };

  return (
    <Stack direction="column" gap={1}>
      <Field label="Query type">
        <RadioButtonGroup<'events' | 'status'>
          options={QUERY_TYPES}
          value={isStatus ? 'status' : 'events'}
          onChange={(v) => update({ queryType: v })}
        />
      </Field>
      {loadError && <Alert title={`Topics: ${loadError}`} severity="error" />}
      {!isStatus && (
        <>
          <Field label="Topic" description={topic?.description} htmlFor={`topic-${query.refId}`}>
            <Combobox<string>
              id={`topic-${query.refId}`}
              width={60}
              options={options}
              value={query.topic ?? null}
              createCustomValue
              loading={!topics.length && !loadError}
              placeholder="Search topics"
              onChange={(v) =>
                update({ topic: v.value, ids: topicNeedsIds(v.value) ? (query.ids ?? []) : [], fields: [] })
              }
            />
          </Field>
          {topic?.requiresPermissions?.length ? (
            <Text color="secondary">Requires permissions: {topic.requiresPermissions.join(', ')}</Text>
          ) : null}
          {topicNeedsIds(query.topic) && (
            <Field
              label={
                <PickerLabel
                  htmlFor={`entities-${query.refId}`}
                  text={entityKindFor(topic, query.topic) === 'users' ? 'Users' : 'Queues'}
                />
              }
            >
              <EntitySelect
                api={datasource}
                kind={entityKindFor(topic, query.topic)}
                ids={query.ids ?? []}
                id={`entities-${query.refId}`}
                onChange={(ids) => update({ ids })}
              />
            </Field>
          )}
          <Field
            label={
              <PickerLabel
                htmlFor={`fields-${query.refId}`}
                text="Fields"
                description="Dotted paths into the event; empty means all fields."
              />
            }
          >
            <MultiCombobox<string>
              id={`fields-${query.refId}`}
              aria-labelledby={`fields-${query.refId}-label`}
              width={60}
              options={fieldOptions}
              createCustomValue
              value={query.fields ?? []}
              onChange={(v) => update({ fields: v.map((o) => o.value).filter(Boolean) })}
            />
          </Field>
          <Field label="Format">
            <RadioButtonGroup
              options={FORMATS}
              value={query.format ?? 'events'}
              onChange={(v) => update({ format: v })}
            />
          </Field>
        </>
      )}
      <Notices series={data?.series} />
    </Stack>
  );
}
