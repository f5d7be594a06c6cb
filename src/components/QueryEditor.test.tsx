import React, { useState } from 'react';
import {
  DataSourceInstanceSettings,
  LoadingState,
  PanelData,
  createDataFrame,
  getDefaultTimeRange,
} from '@grafana/data';
import { TemplateSrv, setTemplateSrv } from '@grafana/runtime';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEventLib from '@testing-library/user-event';

import { DataSource } from '../datasource';
import { DEFAULT_QUERY, GenesysOptions, GenesysQuery, TopicInfo } from '../types';
import { QueryEditor } from './QueryEditor';

// No artificial delay between keystrokes: the tests only care about the resulting state.
const userEvent = userEventLib.setup({ delay: null });

const TOPICS: TopicInfo[] = [
  {
    id: 'v2.routing.queues.{id}.conversations',
    description: 'Conversations routed through the queue',
    family: 'queues',
    parameters: ['id'],
    requiresPermissions: ['routing:queue:view'],
    fields: ['id', 'participants.purpose'],
  },
  {
    id: 'v2.users.{id}.presence',
    description: 'Presence of a user',
    family: 'users',
    parameters: ['id'],
    requiresPermissions: ['presence:userPresence:view'],
    fields: ['presenceDefinition.systemPresence'],
  },
  {
    id: 'v2.analytics.queues.{id}.observations',
    description: 'Queue observations',
    family: 'queues',
    parameters: ['id'],
    requiresPermissions: ['analytics:queueObservation:view'],
    fields: ['oWaiting', 'oInteracting', 'oOnQueueUsers.IDLE', 'oServiceLevel.ratio', 'tAbandon.count'],
  },
  {
    id: 'v2.users.{id}.routingStatus',
    description: 'Routing status of a user',
    family: 'users',
    parameters: ['id'],
    requiresPermissions: [],
    fields: ['status', 'startTime'],
  },
  { id: 'v2.system.status', description: 'No entity', family: 'other', fields: [] },
];

function makeDataSource() {
  const ds = new DataSource({
    uid: 'ds1',
    type: 'cxlive-genesyscloud-datasource',
    name: 'Genesys',
    jsonData: {},
  } as DataSourceInstanceSettings<GenesysOptions>);
  const getResource = jest.fn(async (path: string, params?: Record<string, unknown>) => {
    switch (path) {
      case 'topics':
        return { topics: TOPICS };
      case 'queues':
        return {
          items: [
            { id: 'q-support', name: 'Support' },
            { id: 'q-sales', name: 'Sales' },
          ],
          page: 1,
          pageCount: 1,
          total: 2,
        };
      case 'users':
        return { items: [{ id: 'u-ann', name: 'Ann' }], page: 1, pageCount: 1, total: 1 };
    }
    throw new Error(`unexpected resource ${path} ${JSON.stringify(params)}`);
  });
  ds.getResource = getResource as unknown as DataSource['getResource'];
  return { ds, getResource };
}

function renderEditor(initial: Partial<GenesysQuery> = {}, data?: PanelData, explore = false) {
  const { ds, getResource } = makeDataSource();
  const onRunQuery = jest.fn();
  const queries: GenesysQuery[] = [];
  function Host() {
    const [query, setQuery] = useState<GenesysQuery>({ refId: 'A', ...DEFAULT_QUERY, ...initial });
    const [result, setResult] = useState(data);
    return (
      <QueryEditor
        datasource={ds}
        query={query}
        data={result}
        onRunQuery={() => {
          onRunQuery();
          if (explore) {
            // As Explore does: a run answers with new data and hands the query back as a copy.
            setQuery((q) => ({ ...q }));
            setResult({ state: LoadingState.Done, series: [], timeRange: getDefaultTimeRange() });
          }
        }}
        onChange={(q) => {
          queries.push(q);
          setQuery(explore ? { ...q } : q);
        }}
      />
    );
  }
  render(<Host />);
  return { getResource, onRunQuery, last: () => queries[queries.length - 1], changes: () => queries.length };
}

/** Console errors React reports (e.g. "Maximum update depth exceeded") while a test runs. */
function watchConsoleErrors() {
  const errors: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args.map(String).join(' '));
  });
  return { errors, restore: () => spy.mockRestore() };
}

beforeEach(() => {
  setTemplateSrv({
    getVariables: () => [{ name: 'queue' }],
    replace: (s?: string) => s ?? '',
    containsTemplate: () => false,
    updateTimeRange: () => {},
  } as unknown as TemplateSrv);
});

describe('QueryEditor', () => {
  it('offers the topics from /topics grouped by family with description and permissions', async () => {
    const { getResource } = renderEditor();
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('topics'));
    await userEvent.click(screen.getByLabelText('Topic'));
    const listbox = await screen.findByRole('listbox');
    expect(within(listbox).getByText('Queues')).toBeInTheDocument();
    expect(within(listbox).getByText('Users')).toBeInTheDocument();
    const option = within(listbox).getByRole('option', { name: /v2\.routing\.queues\.\{id\}\.conversations/ });
    expect(option).toHaveTextContent('Conversations routed through the queue — Requires: routing:queue:view');
  });

  it('selecting a topic then queues updates the query and runs it once complete', async () => {
    const { getResource, onRunQuery, last } = renderEditor();
    await userEvent.click(screen.getByLabelText('Topic'));
    await userEvent.click(await screen.findByRole('option', { name: /v2\.routing\.queues\.\{id\}\.conversations/ }));
    expect(last()).toMatchObject({ topic: 'v2.routing.queues.{id}.conversations', ids: [] });
    expect(onRunQuery).not.toHaveBeenCalled(); // a {id} template without ids is incomplete
    expect(screen.getByText('Requires permissions: routing:queue:view')).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Queues'));
    await userEvent.click(await screen.findByRole('option', { name: /Support/ }));
    expect(getResource).toHaveBeenCalledWith('queues', { query: '', page: 1, pageSize: 25 });
    expect(last().ids).toEqual(['q-support']);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('offers dashboard variables as entities', async () => {
    const { last } = renderEditor({ topic: 'v2.routing.queues.{id}.conversations' });
    await waitFor(() => expect(screen.getByLabelText('Queues')).toBeInTheDocument());
    await userEvent.click(screen.getByLabelText('Queues'));
    await userEvent.click(await screen.findByRole('option', { name: /\$queue/ }));
    expect(last().ids).toEqual(['$queue']);
  });

  it('user topics list users, and fields come from the topic schema', async () => {
    const { getResource, last } = renderEditor({ topic: 'v2.users.{id}.presence' });
    await waitFor(() => expect(screen.getByLabelText('Users')).toBeInTheDocument());
    await userEvent.click(screen.getByLabelText('Users'));
    await userEvent.click(await screen.findByRole('option', { name: /Ann/ }));
    expect(getResource).toHaveBeenCalledWith('users', { query: '', page: 1, pageSize: 25 });
    expect(last().ids).toEqual(['u-ann']);

    await userEvent.click(screen.getByLabelText(/^Fields/));
    await userEvent.click(await screen.findByRole('option', { name: 'presenceDefinition.systemPresence' }));
    expect(last().fields).toEqual(['presenceDefinition.systemPresence']);
  });

  it('topics without {id} take no entities; format switches to latest', async () => {
    const { last, onRunQuery } = renderEditor({ topic: 'v2.system.status' });
    expect(await screen.findByText(/No entity/)).toBeInTheDocument(); // topics loaded
    expect(screen.queryByLabelText('Queues')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'Latest' }));
    expect(last().format).toBe('latest');
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('shows rejected topics and gaps the backend reported', async () => {
    const frame = createDataFrame({ fields: [] });
    frame.meta = {
      notices: [
        {
          severity: 'error',
          text: 'topic v2.users.u1.presence was rejected by Genesys Cloud (missing permissions: presence:userPresence:view)',
        },
        { severity: 'warning', text: 'events may be missing between 10:00 and now: socket closed (1006)' },
      ],
    };
    const data: PanelData = { state: LoadingState.Done, series: [frame, frame], timeRange: getDefaultTimeRange() };
    renderEditor({ topic: 'v2.users.{id}.presence', ids: ['u1'] }, data);
    expect(await screen.findByText(/Presence of a user/)).toBeInTheDocument(); // topics loaded
    expect(screen.getByText(/was rejected by Genesys Cloud/)).toBeInTheDocument();
    expect(screen.getAllByText(/events may be missing/)).toHaveLength(1);
  });
});

describe('QueryEditor (issue #21)', () => {
  it('labels topics with a human name and shows the id, description and permissions beside it', async () => {
    renderEditor();
    await userEvent.click(screen.getByRole('combobox', { name: /^Topic/ }));
    const listbox = await screen.findByRole('listbox');
    expect(within(listbox).getByText('Queues')).toBeInTheDocument();
    expect(within(listbox).getByText('Users')).toBeInTheDocument();
    const obs = within(listbox).getByRole('option', { name: /^Queue observations/ });
    expect(obs).toHaveTextContent('v2.analytics.queues.{id}.observations');
    expect(obs).toHaveTextContent('Requires: analytics:queueObservation:view');
    expect(within(listbox).getByRole('option', { name: /^Agent presence/ })).toHaveTextContent(
      'v2.users.{id}.presence'
    );
    expect(within(listbox).getByRole('option', { name: /^Agent routing status/ })).toBeInTheDocument();
    expect(within(listbox).getByRole('option', { name: /^Queue conversations/ })).toBeInTheDocument();
    expect(within(listbox).queryByRole('option', { name: /^v2\./ })).not.toBeInTheDocument();
  });

  it('switching from a queue topic to a user topic drops the queue ids', async () => {
    const { last } = renderEditor({ topic: 'v2.routing.queues.{id}.conversations', ids: ['$queue', 'q-sales'] });
    await screen.findByText('Requires permissions: routing:queue:view', {}, { timeout: 10000 }); // topics loaded
    await userEvent.click(screen.getByRole('combobox', { name: /^Topic/ }));
    await userEvent.click(await screen.findByRole('option', { name: /v2\.users\.\{id\}\.presence/ }));
    expect(last()).toMatchObject({ topic: 'v2.users.{id}.presence', ids: [] });
    expect(screen.getByRole('combobox', { name: 'Users' })).toBeInTheDocument();
    expect(screen.queryByText('$queue')).not.toBeInTheDocument();
  });

  it('switching between two queue topics keeps the queue ids', async () => {
    const { last } = renderEditor({ topic: 'v2.routing.queues.{id}.conversations', ids: ['$queue'] });
    await screen.findByText('Requires permissions: routing:queue:view', {}, { timeout: 10000 }); // topics loaded
    await userEvent.click(screen.getByRole('combobox', { name: /^Topic/ }));
    await userEvent.click(await screen.findByRole('option', { name: /v2\.analytics\.queues\.\{id\}\.observations/ }));
    expect(last()).toMatchObject({ topic: 'v2.analytics.queues.{id}.observations', ids: ['$queue'] });
  });

  it("the Fields picker offers the topic's columns, and Enter adds a typed field name", async () => {
    const { last } = renderEditor({ topic: 'v2.analytics.queues.{id}.observations', ids: ['q-support'] });
    await screen.findByText(/Requires permissions: analytics:queueObservation:view/);
    const fieldsBox = screen.getByRole('combobox', { name: /^Fields/ });
    await userEvent.click(fieldsBox);
    expect(await screen.findByRole('option', { name: 'oServiceLevel.ratio' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'oOnQueueUsers.IDLE' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('option', { name: 'oWaiting' }));
    expect(last().fields).toEqual(['oWaiting']);

    await userEvent.type(fieldsBox, 'nOffered{Enter}');
    expect(last().fields).toEqual(['oWaiting', 'nOffered']);
  });

  // Explore crashed with React error #185 (maximum update depth, in floating-ui's setReference)
  // on these paths. jsdom runs no layout, so this guards the editor's side of the loop: no
  // repeated onChange, no React error while Explore answers each run with new props.
  it.each([
    ['picking a user topic', {}, undefined, /^Agent presence/],
    ['typing then picking the filtered option', {}, 'routing', /^Agent routing status/],
    [
      'picking another topic after Explore restored one',
      { topic: 'v2.analytics.queues.{id}.observations', ids: ['q-support'] },
      undefined,
      /^Agent routing status/,
    ],
  ])('Explore: %s neither loops nor logs a React error', async (_name, initial, typed, option) => {
    const watch = watchConsoleErrors();
    try {
      const { last, changes, getResource } = renderEditor(initial as Partial<GenesysQuery>, undefined, true);
      await waitFor(() => expect(getResource).toHaveBeenCalledWith('topics'));
      const topicBox = screen.getByRole('combobox', { name: /^Topic/ });
      await userEvent.click(topicBox);
      if (typed) {
        await userEvent.type(topicBox, typed);
      }
      await userEvent.click(await screen.findByRole('option', { name: option }));
      expect(last().topic).toMatch(/^v2\.users\./);
      const after = changes();
      await userEvent.click(screen.getByRole('combobox', { name: 'Users' }));
      await screen.findByRole('option', { name: /Ann/ });
      expect(changes()).toBe(after); // opening the picker changes nothing
      expect(watch.errors.filter((e) => /Maximum update depth|error #185/.test(e))).toEqual([]);
    } finally {
      watch.restore();
    }
  });
});
