import {
  CoreApp,
  DataFrameJSON,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  FieldType,
  LoadingState,
  dataFrameFromJSON,
  dataFrameToJSON,
  createDataFrame,
  getDefaultTimeRange,
} from '@grafana/data';
import {
  BackendSrv,
  GrafanaLiveSrv,
  LiveDataStreamOptions,
  StreamingFrameAction,
  setBackendSrv,
  setGrafanaLiveSrv,
  setTemplateSrv,
} from '@grafana/runtime';
import { Observable, firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';

import { DataSource } from './datasource';
import { fakeTemplateSrv } from './testing/templateSrv';
import { GenesysOptions, GenesysQuery, GenesysVariableQuery } from './types';
import { GenesysVariableSupport } from './variables';

function newDataSource() {
  return new DataSource({
    uid: 'ds1',
    type: 'cxlive-genesyscloud-datasource',
    name: 'Genesys',
    jsonData: {},
  } as DataSourceInstanceSettings<GenesysOptions>);
}

function request<Q>(targets: Q[], extra: Partial<DataQueryRequest> = {}): DataQueryRequest<Q & { refId: string }> {
  return {
    requestId: 'r1',
    interval: '1s',
    intervalMs: 1000,
    maxDataPoints: 100,
    range: getDefaultTimeRange(),
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: CoreApp.Dashboard,
    startTime: 0,
    ...extra,
  } as unknown as DataQueryRequest<Q & { refId: string }>;
}

beforeEach(() => {
  setTemplateSrv(fakeTemplateSrv({ queue: ['q1', 'q2'], one: 'q9', filter: 'Sup' }));
});

describe('DataSource query model', () => {
  const ds = newDataSource();

  it('default query is an events query with no ids or fields', () => {
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toEqual({
      queryType: 'events',
      ids: [],
      fields: [],
      format: 'events',
    });
    expect(ds.getDefaultQuery(CoreApp.Explore).format).toBe('events');
  });

  it('default query in the alert-rule editor asks for the latest value per topic', () => {
    expect(ds.getDefaultQuery(CoreApp.UnifiedAlerting)).toMatchObject({ queryType: 'events', format: 'latest' });
  });

  it.each<[string, Partial<GenesysQuery>, boolean]>([
    ['no topic', {}, false],
    ['blank topic', { topic: '  ' }, false],
    ['{id} template without ids', { topic: 'v2.routing.queues.{id}.users', ids: [] }, false],
    ['{id} template with blank ids only', { topic: 'v2.routing.queues.{id}.users', ids: [' '] }, false],
    ['{id} template with an id', { topic: 'v2.routing.queues.{id}.users', ids: ['q1'] }, true],
    ['{id} template with a variable', { topic: 'v2.routing.queues.{id}.users', ids: ['$queue'] }, true],
    ['concrete topic without ids', { topic: 'v2.users.u1.presence' }, true],
    ['status query needs no topic', { queryType: 'status' }, true],
    ['hidden query', { topic: 'v2.users.u1.presence', hide: true }, false],
  ])('filterQuery: %s', (_name, q, want) => {
    expect(ds.filterQuery({ refId: 'A', ...q })).toBe(want);
  });

  it('applyTemplateVariables expands multi-value and single-value variables into ids', () => {
    const q = ds.applyTemplateVariables(
      { refId: 'A', topic: 'v2.routing.queues.{id}.users', ids: ['$queue', '$one', 'q1'], fields: [] },
      {}
    );
    expect(q.ids).toEqual(['q1', 'q2', 'q9']);
  });

  it('scoped variables (repeated panels) win over dashboard values', () => {
    setTemplateSrv({
      ...fakeTemplateSrv({}),
      replace: (t?: string, scoped?: Record<string, { value: unknown }>, format?: Function) =>
        (t ?? '').replace(/\$(\w+)/g, (_m, n: string) =>
          format ? format(scoped?.[n]?.value) : String(scoped?.[n]?.value)
        ),
    } as never);
    const q = ds.applyTemplateVariables(
      { refId: 'A', topic: 't.{id}', ids: ['$queue'] },
      { queue: { text: 'Q7', value: 'q7' } }
    );
    expect(q.ids).toEqual(['q7']);
  });
});

describe('DataSource streaming', () => {
  // The backend's answer: history in the range, and meta.channel so the panel keeps streaming.
  const history = createDataFrame({
    refId: 'A',
    name: 'v2.routing.queues.q1.users',
    fields: [
      { name: 'time', type: FieldType.time, values: [1000, 2000] },
      { name: 'oWaiting', type: FieldType.number, values: [3, 4] },
    ],
    meta: { channel: 'ds/ds1/q/k1' },
  });

  it('sends the interpolated query to the backend and appends live frames to the history', async () => {
    const fetch = jest.fn((_opts: { data: { queries: GenesysQuery[] } }) =>
      of({ data: { results: { A: { frames: [dataFrameToJSON(history)] } } }, status: 200, ok: true })
    );
    setBackendSrv({ fetch } as unknown as BackendSrv);

    // Grafana Live: starts from the history frame it is given and appends each pushed row,
    // as StreamingDataFrame does with action "append".
    const streamCalls: LiveDataStreamOptions[] = [];
    const getDataStream = (opts: LiveDataStreamOptions): Observable<DataQueryResponse> => {
      streamCalls.push(opts);
      const start = dataFrameFromJSON(opts.frame as DataFrameJSON);
      const append = (time: number, waiting: number) =>
        createDataFrame({
          ...start,
          fields: start.fields.map((f) => ({ ...f, values: [...f.values, f.name === 'time' ? time : waiting] })),
        });
      const first = append(3000, 5);
      const second = createDataFrame({
        ...first,
        fields: first.fields.map((f) => ({ ...f, values: [...f.values, f.name === 'time' ? 4000 : 6] })),
      });
      return of(
        { key: 'A', state: LoadingState.Streaming, data: [first] },
        { key: 'A', state: LoadingState.Streaming, data: [second] }
      );
    };
    setGrafanaLiveSrv({ getDataStream } as unknown as GrafanaLiveSrv);

    const ds = newDataSource();
    const responses = await lastValueFrom(
      ds
        .query(
          request<GenesysQuery>([
            { refId: 'A', topic: 'v2.routing.queues.{id}.users', ids: ['$queue'], format: 'events' },
          ])
        )
        .pipe(toArray())
    );

    const sent = fetch.mock.calls[0][0].data.queries[0];
    expect(sent.ids).toEqual(['q1', 'q2']);
    expect(streamCalls).toHaveLength(1);
    expect(streamCalls[0].addr).toEqual({ scope: 'ds', stream: 'ds1', path: 'q/k1' });
    expect(streamCalls[0].buffer).toMatchObject({ action: StreamingFrameAction.Append, maxLength: 100 });

    const last = responses[responses.length - 1].data[0];
    expect(responses.every((r) => r.state === LoadingState.Streaming)).toBe(true);
    expect(last.fields.find((f: { name: string }) => f.name === 'time').values).toEqual([1000, 2000, 3000, 4000]);
    expect(last.fields.find((f: { name: string }) => f.name === 'oWaiting').values).toEqual([3, 4, 5, 6]);
  });

  it("a latest query's stream replaces the topic's row; an events query's stream appends", async () => {
    const frame = (refId: string, channel: string) =>
      dataFrameToJSON(
        createDataFrame({
          refId,
          name: 'v2.users.u1.routingStatus',
          fields: [
            { name: 'time', type: FieldType.time, values: [1000] },
            { name: 'status', type: FieldType.string, values: ['IDLE'] },
          ],
          meta: { channel },
        })
      );
    setBackendSrv({
      fetch: () =>
        of({
          data: {
            results: { L: { frames: [frame('L', 'ds/ds1/q/latest')] }, E: { frames: [frame('E', 'ds/ds1/q/events')] } },
          },
          status: 200,
          ok: true,
        }),
    } as unknown as BackendSrv);
    const streamCalls: LiveDataStreamOptions[] = [];
    setGrafanaLiveSrv({
      getDataStream: (opts: LiveDataStreamOptions) => {
        streamCalls.push(opts);
        return of({ key: opts.key, state: LoadingState.Streaming, data: [] });
      },
    } as unknown as GrafanaLiveSrv);

    await lastValueFrom(
      newDataSource()
        .query(
          request<GenesysQuery>([
            { refId: 'L', topic: 'v2.users.{id}.routingStatus', ids: ['u1'], format: 'latest' },
            { refId: 'E', topic: 'v2.users.{id}.routingStatus', ids: ['u1'], format: 'events' },
          ])
        )
        .pipe(toArray())
    );
    const byPath = Object.fromEntries(streamCalls.map((c) => [c.addr.path, c.buffer]));
    expect(byPath['q/latest']).toMatchObject({ action: StreamingFrameAction.Replace });
    expect(byPath['q/events']).toMatchObject({ action: StreamingFrameAction.Append, maxLength: 100 });
  });

  it('frames without a channel are returned as they are', async () => {
    const plain = createDataFrame({ refId: 'A', fields: [{ name: 'connected', type: FieldType.number, values: [1] }] });
    setBackendSrv({
      fetch: () => of({ data: { results: { A: { frames: [dataFrameToJSON(plain)] } } }, status: 200, ok: true }),
    } as unknown as BackendSrv);
    const getDataStream = jest.fn();
    setGrafanaLiveSrv({ getDataStream } as unknown as GrafanaLiveSrv);
    const rsp = await firstValueFrom(
      newDataSource().query(request<GenesysQuery>([{ refId: 'A', queryType: 'status' }]))
    );
    expect(getDataStream).not.toHaveBeenCalled();
    expect(rsp.data[0].fields[0].values).toEqual([1]);
  });
});

describe('DataSource variables', () => {
  function withResources() {
    const ds = newDataSource();
    const getResource = jest.fn(async (path: string) =>
      path === 'topics'
        ? { topics: [{ id: 'v2.users.{id}.presence', family: 'users' }] }
        : { items: [{ id: 'q-sup', name: 'Support' }], page: 1, pageCount: 1, total: 1 }
    );
    ds.getResource = getResource as unknown as DataSource['getResource'];
    return { ds, getResource };
  }

  it('queue variable: names as text, ids as values, filter interpolated', async () => {
    const { ds, getResource } = withResources();
    const rsp = await firstValueFrom(
      (ds.variables as GenesysVariableSupport).query(
        request<GenesysVariableQuery>([{ refId: 'v', kind: 'queues', query: '$filter' }])
      )
    );
    expect(getResource).toHaveBeenCalledWith('queues', { query: 'Sup', page: 1, pageSize: 100 });
    const frame = rsp.data[0];
    expect(frame.fields.map((f: { name: string; values: string[] }) => [f.name, f.values])).toEqual([
      ['text', ['Support']],
      ['value', ['q-sup']],
    ]);
  });

  it('metricFindQuery lists users and topics', async () => {
    const { ds, getResource } = withResources();
    expect(await ds.metricFindQuery({ refId: 'v', kind: 'users' })).toEqual([{ text: 'Support', value: 'q-sup' }]);
    expect(getResource).toHaveBeenCalledWith('users', { query: '', page: 1, pageSize: 100 });
    expect(await ds.metricFindQuery({ refId: 'v', kind: 'topics' })).toEqual([
      { text: 'v2.users.{id}.presence', value: 'v2.users.{id}.presence' },
    ]);
  });
});
