// Shared helpers of the API-level end-to-end suite (docs/e2e.md): a Grafana reached over its
// HTTP API, the simulator reached over its /_sim control endpoints, and a transcript of every
// answer so the suite can prove no secret or token ever left the plugin.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

const env = process.env;
const trim = (u) => u.replace(/\/+$/, '');

export const cfg = {
  grafana: trim(env.GRAFANA_URL ?? ''),
  // a second replica of the same Grafana (shared database, Live HA engine): tests/ha
  grafanaB: trim(env.GRAFANA_URL_B ?? ''),
  user: env.GRAFANA_USER ?? 'admin',
  password: env.GRAFANA_PASSWORD ?? 'admin',
  // the simulator as this test process reaches it (control endpoints, publishing)
  sim: trim(env.SIMULATOR_URL ?? 'http://127.0.0.1:8080'),
  // the simulator as Grafana's plugin process reaches it (docker compose: http://simulator:8080)
  simFromGrafana: trim(env.SIMULATOR_URL_FROM_GRAFANA ?? env.SIMULATOR_URL ?? 'http://127.0.0.1:8080'),
  clientId: env.SIM_CLIENT_ID ?? 'sim-client',
  secret: env.SIM_CLIENT_SECRET ?? 'sim-secret',
  pluginId: 'cxlive-genesyscloud-datasource',
};

export const skip = cfg.grafana ? false : 'set GRAFANA_URL to run the API suite against a Grafana server';

const auth = 'Basic ' + Buffer.from(`${cfg.user}:${cfg.password}`).toString('base64');
export const authHeader = auth;

/** Every body Grafana answered, to search for leaked secrets at the end. */
export const transcript = [];

async function call(base, method, path, body, headers = {}, record = true) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (record) {
    transcript.push(`${method} ${path} -> ${res.status}\n${[...res.headers].join('\n')}\n${text}`);
  }
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Calls to the HTTP API of the Grafana at `base` as the admin user. */
export const gfAt =
  (base) =>
  (method, path, body, headers = {}) =>
    call(base, method, path, body, { Authorization: auth, ...headers });

/** A call to Grafana's HTTP API (GRAFANA_URL) as the admin user. */
export const gf = gfAt(cfg.grafana);

/** A call to the simulator's control or API endpoints (not part of the secret transcript). */
export async function sim(method, path, body) {
  const r = await call(cfg.sim, method, path, body, {}, false);
  assert.ok(r.status < 300, `simulator ${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

/**
 * Stops the simulator's traffic generator (a suite that needs a quiet queue) and returns
 * the function that puts back what ran before, for the suite's after().
 */
export async function pauseGenerator() {
  const was = await sim('GET', '/_sim/generator');
  await sim('POST', '/_sim/generator', { rate: 0 });
  return () => sim('POST', '/_sim/generator', was);
}

/** Polls fn until it returns a truthy value; fails with what it last saw. */
export async function waitFor(what, fn, { timeoutMs = 60_000, everyMs = 1_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) {
        return last;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last: ${describe(last)}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const describe = (v) => (v instanceof Error ? v.message : JSON.stringify(v)?.slice(0, 500));

/** Creates a data source of this plugin pointing at the simulator; returns its uid. */
export async function createDatasource(
  label,
  { secret = cfg.secret, jsonData = {}, uid = `e2e-${label}-${randomUUID().slice(0, 8)}` } = {}
) {
  const r = await gf('POST', '/api/datasources', {
    name: `Genesys e2e ${label} ${uid}`,
    uid,
    type: cfg.pluginId,
    access: 'proxy',
    jsonData: {
      region: 'custom',
      baseUrl: cfg.simFromGrafana,
      authType: 'clientCredentials',
      clientId: cfg.clientId,
      channelBudget: 2,
      historyMinutes: 30,
      alertKeepAliveMinutes: 15,
      ...jsonData,
    },
    secureJsonData: { clientSecret: secret },
  });
  assert.equal(r.status, 200, `creating the data source: ${r.text}`);
  return uid;
}

/** Deletes a data source; a failure is reported, so no run leaves one behind unnoticed. */
export async function deleteDatasource(uid) {
  const r = await gf('DELETE', `/api/datasources/uid/${uid}`);
  assert.ok(r.status === 200 || r.status === 404, `deleting data source ${uid}: ${r.status} ${r.text}`);
}

/** POST /api/ds/query for the given queries over the last `seconds` (on `call`'s Grafana). */
export async function query(uid, queries, seconds = 300, call = gf) {
  const r = await call('POST', '/api/ds/query', {
    from: `now-${seconds}s`,
    to: 'now',
    queries: queries.map((q, i) => ({
      refId: q.refId ?? String.fromCharCode(65 + i),
      datasource: { type: cfg.pluginId, uid },
      ...q,
    })),
  });
  return r;
}

/** The value of field `name` in the last row of the first frame of result refId. */
export function lastValue(res, name, refId = 'A') {
  const frames = res.json?.results?.[refId]?.frames ?? [];
  for (const f of frames) {
    const i = f.schema.fields.findIndex((fl) => fl.name === name);
    const vals = f.data?.values?.[i];
    if (i >= 0 && vals?.length) {
      return vals[vals.length - 1];
    }
  }
  return undefined;
}

export const newQueueId = () => randomUUID();
export const obsTopic = (queueId) => `v2.analytics.queues.${queueId}.observations`;

/** A queue observation body as Genesys Cloud publishes it. */
export function observation(queueId, waiting, mediaType = 'voice') {
  const now = new Date().toISOString();
  return {
    group: { queueId, mediaType },
    data: [{ interval: `${now}/${now}`, metrics: [{ metric: 'oWaiting', stats: { count: waiting } }] }],
  };
}

export const publish = (topic, body) => sim('POST', '/_sim/publish', { topic, body });

/** Publishes `body()` every `everyMs` until the returned stop function is called. */
export function keepPublishing(topic, body, everyMs = 1_000) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await publish(topic, body()).catch(() => {});
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/** Clears every fault the suite may have set on the simulator. */
export async function clearFaults() {
  await sim('DELETE', '/_sim/faults/http');
  await sim('POST', '/_sim/faults/drop', { upgrades: 0, afterMessages: 0, all: false });
}

/**
 * The end of a suite that streamed: stop publishing, close the Live subscriber, clear the
 * simulator's faults, delete the data source, and prove no secret left the plugin.
 */
export async function endStreaming(uid, stopPublishing, live) {
  await stopPublishing();
  live?.close();
  await clearFaults();
  await deleteDatasource(uid);
  assertNoSecretInTranscript();
}

/** Fails if the client secret or a bearer token appears in anything Grafana answered. */
export function assertNoSecretInTranscript() {
  const all = transcript.join('\n');
  assert.ok(!all.includes(cfg.secret), 'the client secret appeared in a Grafana answer');
  assert.ok(!/Bearer\s+[A-Za-z0-9._-]{8,}/.test(all), 'a bearer token appeared in a Grafana answer');
}

export const provenance = { 'X-Disable-Provenance': 'true' };

/**
 * Creates an alert rule "$B > threshold" on one query of this plugin (A → reduce last → math,
 * which every Grafana since 9 has) through the provisioning API, and sets its group to evaluate
 * every 10 s (Grafana's minimum by default). Returns the rule's uid.
 */
export async function createAlertRule({ title, folderUid, group, uid, model, rangeSeconds, threshold = 5 }) {
  const r = await gf(
    'POST',
    '/api/v1/provisioning/alert-rules',
    {
      title,
      orgID: 1,
      folderUID: folderUid,
      ruleGroup: group,
      condition: 'C',
      for: '0s',
      noDataState: 'NoData',
      execErrState: 'Error',
      data: [
        {
          refId: 'A',
          datasourceUid: uid,
          relativeTimeRange: { from: rangeSeconds, to: 0 },
          model: { refId: 'A', datasource: { type: cfg.pluginId, uid }, ...model },
        },
        {
          refId: 'B',
          datasourceUid: '__expr__',
          relativeTimeRange: { from: 0, to: 0 },
          model: {
            refId: 'B',
            type: 'reduce',
            expression: 'A',
            reducer: 'last',
            datasource: { type: '__expr__', uid: '__expr__' },
          },
        },
        {
          refId: 'C',
          datasourceUid: '__expr__',
          relativeTimeRange: { from: 0, to: 0 },
          // a math expression rather than "threshold", which Grafana 9 does not have
          model: {
            refId: 'C',
            type: 'math',
            expression: `$B > ${threshold}`,
            datasource: { type: '__expr__', uid: '__expr__' },
          },
        },
      ],
    },
    provenance
  );
  assert.ok(r.status === 200 || r.status === 201, r.text);
  const g = await gf(
    'PUT',
    `/api/v1/provisioning/folder/${folderUid}/rule-groups/${group}`,
    { interval: 10 },
    provenance
  );
  assert.equal(g.status, 200, g.text);
  return r.json.uid;
}

/** A rule's state and its instances' states, from Grafana's rules API. */
export async function ruleState(title, call = gf) {
  const r = await call('GET', '/api/prometheus/grafana/api/v1/rules');
  for (const g of r.json?.data?.groups ?? []) {
    for (const rule of g.rules ?? []) {
      if (rule.name === title) {
        return { rule: rule.state, health: rule.health, alerts: (rule.alerts ?? []).map((a) => a.state), raw: rule };
      }
    }
  }
  return { rule: 'absent', alerts: [] };
}
