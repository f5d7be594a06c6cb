import React, { KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
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
  const fieldOptions = useMemo(() => (topic?.fields ?? []).map((f) => ({ value: f, label: f })), [topic]);
  const fields = useMemo(() => query.fields ?? [], [query.fields]);
  const isStatus = query.queryType === 'status';

  // The query as last seen, so a handler never works on a stale one and a change that
  // changes nothing neither calls onChange nor runs the query again (Explore answers
  // onRunQuery with new props, which must not loop back into onChange).
  const latest = useRef(query);
  useEffect(() => {
    latest.current = query;
  }, [query]);
  const update = (patch: Partial<GenesysQuery>) => {
    const prev = latest.current;
    const next = { ...prev, ...patch };
    if (sameQuery(prev, next)) {
      return;
    }
    latest.current = next;
    onChange(next);
    if (datasource.filterQuery(next)) {
      onRunQuery();
    }
  };

  const pickTopic = (id: string | undefined) => {
    const prev = latest.current;
    const kindOf = (t?: string) =>
      entityKindFor(
        topics.find((x) => x.id === t),
        t
      );
    // Ids of another entity kind (queue ids after picking a user topic) cannot fill {id}.
    const keepIds = topicNeedsIds(id) && topicNeedsIds(prev.topic) && kindOf(id) === kindOf(prev.topic);
    update({ topic: id, ids: keepIds ? (prev.ids ?? []) : [], fields: id === prev.topic ? prev.fields : [] });
  };

  // MultiCombobox does nothing on Enter while no option is highlighted: Enter then adds the
  // typed name as a custom field.
  const onFieldsKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const input = e.target as HTMLInputElement;
    if (e.key !== 'Enter' || input.tagName !== 'INPUT' || input.getAttribute('aria-activedescendant')) {
      return;
    }
    const name = input.value.trim();
    if (!name) {
      return;
    }
    e.preventDefault();
    const current = latest.current.fields ?? [];
    if (!current.includes(name)) {
      update({ fields: [...current, name] });
    }
    clearInput(input);
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
          <Field
            label="Topic"
            description={query.topic ? [query.topic, topic?.description].filter(Boolean).join(' — ') : undefined}
            htmlFor={`topic-${query.refId}`}
          >
            <Combobox<string>
              id={`topic-${query.refId}`}
              width={60}
              options={options}
              value={query.topic ?? null}
              createCustomValue
              loading={!topics.length && !loadError}
              placeholder="Search topics"
              onChange={(v) => pickTopic(v?.value)}
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
                description="Columns to keep (a name keeps the columns under it); empty keeps all. Type a name and press Enter to add one."
              />
            }
          >
            <div onKeyDown={onFieldsKeyDown}>
              <MultiCombobox<string>
                id={`fields-${query.refId}`}
                aria-labelledby={`fields-${query.refId}-label`}
                width={60}
                options={fieldOptions}
                createCustomValue
                value={fields}
                onChange={(v) => update({ fields: v.map((o) => o.value).filter(Boolean) })}
              />
            </div>
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

/** Whether two queries ask the same thing (the editor's fields only). */
function sameQuery(a: GenesysQuery, b: GenesysQuery): boolean {
  const list = (l?: string[]) => (l ?? []).join('\n');
  return (
    a.queryType === b.queryType &&
    a.topic === b.topic &&
    list(a.ids) === list(b.ids) &&
    list(a.fields) === list(b.fields) &&
    (a.format ?? 'events') === (b.format ?? 'events')
  );
}

/** Empties a React-controlled input as typing would, so its owner's state follows. */
function clearInput(input: HTMLInputElement) {
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  setValue?.call(input, '');
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
