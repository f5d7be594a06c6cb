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

function renderEditor(initial: Partial<GenesysQuery> = {}, data?: PanelData) {
  const { ds, getResource } = makeDataSource();
  const onRunQuery = jest.fn();
  const queries: GenesysQuery[] = [];
  function Host() {
    const [query, setQuery] = useState<GenesysQuery>({ refId: 'A', ...DEFAULT_QUERY, ...initial });
    return (
      <QueryEditor
        datasource={ds}
        query={query}
        data={data}
        onRunQuery={onRunQuery}
        onChange={(q) => {
          queries.push(q);
          setQuery(q);
        }}
      />
    );
  }
  render(<Host />);
  return { getResource, onRunQuery, last: () => queries[queries.length - 1] };
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
    expect(await screen.findByText('No entity')).toBeInTheDocument(); // topics loaded
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
    expect(await screen.findByText('Presence of a user')).toBeInTheDocument(); // topics loaded
    expect(screen.getByText(/was rejected by Genesys Cloud/)).toBeInTheDocument();
    expect(screen.getAllByText(/events may be missing/)).toHaveLength(1);
  });
});
