// The provisioned dashboards' transformations, run by @grafana/data's own transformers on
// frames shaped as the plugin returns them: what a panel shows without opening Grafana.
import fs from 'node:fs';
import path from 'node:path';
import { lastValueFrom } from 'rxjs';
import {
  createTheme,
  DataFrame,
  FieldType,
  getFieldDisplayName,
  getFieldDisplayValues,
  standardTransformers,
  standardTransformersRegistry,
  toDataFrame,
  transformDataFrame,
} from '@grafana/data';

beforeAll(() => {
  // some transformers are exported under two names (seriesToColumns / joinByField): once each
  const byId = new Map(Object.values(standardTransformers).map((t) => [t.id, t]));
  standardTransformersRegistry.setInit(() =>
    [...byId.values()].map((t) => ({ id: t.id, name: t.name, transformation: () => Promise.resolve(t) }) as never)
  );
});

function panel(id: number) {
  const file = path.join(__dirname, '..', 'provisioning', 'dashboards', 'contact-centre-live.json');
  const dash = JSON.parse(fs.readFileSync(file, 'utf8'));
  return dash.panels.find((p: { id: number }) => p.id === id);
}

/** One queue's conversation frame as the plugin builds it (events format). */
function conversations(queueName: string, rows: Array<[number, string, string]>): DataFrame {
  const labels = { queueId: `id-${queueName}`, queueName };
  return toDataFrame({
    name: `v2.routing.queues.id-${queueName}.conversations`,
    fields: [
      { name: 'time', type: FieldType.time, values: rows.map((r) => r[0]) },
      { name: 'conversationId', type: FieldType.string, values: rows.map((r) => r[1]), labels },
      { name: 'media', type: FieldType.string, values: rows.map(() => 'call'), labels },
      { name: 'purposes', type: FieldType.string, values: rows.map(() => 'customer,acd'), labels },
      { name: 'states', type: FieldType.string, values: rows.map((r) => r[2]), labels },
      { name: 'participants.count', type: FieldType.number, values: rows.map(() => 2), labels },
      { name: 'address', type: FieldType.string, values: rows.map(() => 'tel:+18005550100'), labels },
    ],
  });
}

test('Recent conversations shows one row per conversation, its latest update, newest first', async () => {
  const frames = [
    conversations('Sales', [
      [1000, 'c1', 'alerting'],
      [2000, 'c1', 'connected'],
      [3000, 'c2', 'alerting'],
    ]),
    conversations('Billing', [[2500, 'c3', 'connected']]),
  ];
  const [out] = await lastValueFrom(transformDataFrame(panel(14).transformations, frames));
  // what the table's header shows: the organize step renames through the display name
  const shown = (name: string) => out.fields.find((f) => getFieldDisplayName(f, out) === name);
  const col = (name: string) => shown(name)?.values;
  expect(col('conversationId')).toEqual(['c2', 'c3', 'c1']);
  expect(col('states')).toEqual(['alerting', 'connected', 'connected']);
  expect(col('queueName')).toEqual(['Sales', 'Billing', 'Sales']);
  expect(shown('time')?.type).toBe(FieldType.time);
});

/** One agent's latest routing status frame as the plugin builds it (format latest). */
function routing(userId: string, status: string): DataFrame {
  const labels = { userId, userName: `Agent ${userId}` };
  return toDataFrame({
    name: `v2.users.${userId}.routingStatus`,
    fields: [
      { name: 'time', type: FieldType.time, values: [1000] },
      { name: 'status', type: FieldType.string, values: [status], labels },
    ],
  });
}

test('Agents by routing status counts each agent once', async () => {
  // a latest stream replaces each agent's frame (one row), so the counts add up to the agents
  const frames = ['IDLE', 'IDLE', 'INTERACTING', 'OFF_QUEUE', 'IDLE'].map((s, i) => routing(`u${i}`, s));
  const [out] = await lastValueFrom(transformDataFrame(panel(12).transformations, frames));
  const counts = out.fields.find((f) => f.type === FieldType.number)?.values ?? [];
  const statuses = out.fields.find((f) => f.name === 'status')?.values ?? [];
  expect(Object.fromEntries(statuses.map((s, i) => [s, counts[i]]))).toEqual({ IDLE: 3, INTERACTING: 1, OFF_QUEUE: 1 });
});

/** The colour of each slice a pie chart draws from panel `id`'s frames, by slice name. */
async function sliceColours(id: number, frames: DataFrame[]): Promise<Record<string, string>> {
  const p = panel(id);
  const out = await lastValueFrom(transformDataFrame(p.transformations, frames));
  const theme = createTheme();
  const values = getFieldDisplayValues({
    data: out,
    reduceOptions: p.options.reduceOptions,
    fieldConfig: p.fieldConfig,
    replaceVariables: (v: string) => v,
    theme,
    timeZone: 'utc',
  });
  return Object.fromEntries(values.map((v) => [v.display.title ?? '', v.display.color ?? '']));
}

test('a routing status keeps its colour whichever statuses are present, the same as in the state timeline', async () => {
  const few = await sliceColours(12, [routing('u1', 'OFF_QUEUE'), routing('u2', 'NOT_RESPONDING')]);
  const all = await sliceColours(
    12,
    ['IDLE', 'INTERACTING', 'COMMUNICATING', 'NOT_RESPONDING', 'OFF_QUEUE'].map((s, i) => routing(`u${i}`, s))
  );
  expect(few.OFF_QUEUE).toBe(all.OFF_QUEUE);
  expect(few.NOT_RESPONDING).toBe(all.NOT_RESPONDING);
  expect(new Set(Object.values(all)).size).toBe(5);
  // the state timeline's value mappings name the same colours
  const theme = createTheme();
  const mapped = panel(11).fieldConfig.defaults.mappings[0].options;
  for (const [status, colour] of Object.entries(all)) {
    expect(theme.visualization.getColorByName(mapped[status].color)).toBe(colour);
  }
});

test('a presence keeps its colour whichever presences are present', async () => {
  const presence = (userId: string, p: string) =>
    toDataFrame({
      name: `v2.users.${userId}.presence`,
      fields: [
        { name: 'time', type: FieldType.time, values: [1000] },
        { name: 'systemPresence', type: FieldType.string, values: [p], labels: { userId, userName: userId } },
      ],
    });
  const kinds = ['AVAILABLE', 'AWAY', 'BUSY', 'OFFLINE', 'ON_QUEUE', 'BREAK', 'MEAL', 'MEETING', 'TRAINING', 'IDLE'];
  const all = await sliceColours(
    23,
    kinds.map((k, i) => presence(`u${i}`, k))
  );
  const one = await sliceColours(23, [presence('u1', 'MEAL')]);
  expect(one.MEAL).toBe(all.MEAL);
  expect(new Set(Object.values(all)).size).toBe(kinds.length);
});

/** One queue's latest observation frame as the plugin builds it (format latest). */
function observation(queueName: string, field: string, value: number): DataFrame {
  const labels = { queueId: `id-${queueName}`, queueName, mediaType: 'voice' };
  return toDataFrame({
    name: `v2.analytics.queues.id-${queueName}.observations`,
    fields: [
      { name: 'time', type: FieldType.time, values: [1000] },
      { name: field, type: FieldType.number, values: [value], labels },
    ],
  });
}

test.each([
  [2, 'oWaiting'],
  [3, 'oInteracting'],
  [4, 'oAlerting'],
  [5, 'oServiceLevel.ratio'],
])(
  'stat tiles of panel %i (%s) come in the order of the queue names, whichever stream arrived first',
  async (id, field) => {
    const tiles = async (names: string[]) => {
      const p = panel(id);
      const out = await lastValueFrom(
        transformDataFrame(
          p.transformations,
          names.map((n, i) => observation(n, field, i + 1))
        )
      );
      const values = getFieldDisplayValues({
        data: out,
        reduceOptions: p.options.reduceOptions,
        fieldConfig: p.fieldConfig,
        replaceVariables: (v: string) => v,
        theme: createTheme(),
        timeZone: 'utc',
      });
      return values.map((v) => `${v.display.title}=${v.display.numeric}`);
    };
    const a = await tiles(['Sales', 'Billing', 'Support']);
    const b = await tiles(['Support', 'Sales', 'Billing']);
    expect(a).toEqual(['Billing=2', 'Sales=1', 'Support=3']);
    expect(b).toEqual(['Billing=3', 'Sales=2', 'Support=1']);
  }
);
