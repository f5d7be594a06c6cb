// Grafana in high availability (issue #23): two replicas of one Grafana on a shared
// database, Grafana Live's HA engine on Redis and the alertmanagers peered, each replica
// with its own plugin process. Runs when GRAFANA_URL (replica A) and GRAFANA_URL_B
// (replica B) are set; HA_KILL_PLUGIN_A is a shell command that kills replica A's plugin
// process (Grafana restarts it), without which the failover test is skipped. docs/e2e.md
// says how the cluster here was run.
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  assertNoSecretInTranscript,
  cfg,
  clearFaults,
  createAlertRule,
  createDatasource,
  deleteDatasource,
  gfAt,
  pauseGenerator,
  provenance,
  query,
  ruleState,
  sim,
  waitFor,
} from '../api/lib.mjs';
import { subscribe } from '../api/live.mjs';

const skip =
  cfg.grafana && cfg.grafanaB
    ? false
    : 'set GRAFANA_URL and GRAFANA_URL_B (two replicas of one Grafana) to run the HA suite';
const replicas = { A: gfAt(cfg.grafana), B: gfAt(cfg.grafanaB) };
const BUDGET = 2; // createDatasource's channelBudget

describe('Grafana in high availability: two replicas, one OAuth client', { skip }, () => {
  let uid;
  let queue; // a queue the simulator knows, so a restarted plugin can refill it over REST
  let restoreGenerator = async () => {};
  let folderUid;
  let ruleUid;
  let title;
  const live = {};
  const q = () => ({
    refId: 'A',
    queryType: 'events',
    topic: 'v2.analytics.queues.{id}.observations',
    ids: [queue],
    fields: ['oWaiting'],
  });
  const hasWaiting = (v) => (f) => (f?.data?.values ?? []).some((col) => Array.isArray(col) && col.includes(v));
  const setWaiting = (n) => sim('POST', `/_sim/queues/${queue}/waiting`, { waiting: n });
  const queryOn = (r, queries, seconds = 300) => query(uid, queries, seconds, replicas[r]);
  const statusOn = async (r) => {
    const s = await replicas[r]('GET', `/api/datasources/uid/${uid}/resources/status`);
    assert.equal(s.status, 200, `replica ${r} /status: ${s.text}`);
    return s.json;
  };
  // the states of the rule's alert instances as replica r evaluated them
  const ruleOn = async (r) => (await ruleState(title, replicas[r])).alerts;
  const notificationsFor = async (name) =>
    ((await sim('GET', '/_sim/alerts')).alerts ?? []).filter((n) =>
      (n.alerts ?? []).some((a) => a.labels?.alertname === name && a.status === 'firing')
    );

  before(async () => {
    restoreGenerator = await pauseGenerator(); // only this suite moves the queue
    uid = await createDatasource('ha'); // on replica A
    const queues = await waitFor('the queue list on replica A', async () => {
      const r = await replicas.A('GET', `/api/datasources/uid/${uid}/resources/queues`);
      return r.json?.items?.length ? r.json.items : undefined;
    });
    queue = queues[0].id;
    await setWaiting(1);
    folderUid = `e2e-${randomUUID().slice(0, 8)}`;
    const f = await replicas.A('POST', '/api/folders', { uid: folderUid, title: `Genesys e2e HA ${folderUid}` });
    assert.equal(f.status, 200, f.text);
  });
  after(async () => {
    for (const l of Object.values(live)) {
      l.close();
    }
    await clearFaults();
    if (ruleUid) {
      await replicas.A('DELETE', `/api/v1/provisioning/alert-rules/${ruleUid}`, undefined, provenance);
    }
    await replicas.A('DELETE', `/api/folders/${folderUid}`);
    await deleteDatasource(uid);
    await restoreGenerator().catch(() => {});
    assertNoSecretInTranscript();
  });

  it('both replicas run one Grafana on one database', async () => {
    const [a, b] = [await replicas.A('GET', '/api/health'), await replicas.B('GET', '/api/health')];
    console.log(
      `replica A ${a.json?.version} (${a.json?.database}), replica B ${b.json?.version} (${b.json?.database})`
    );
    assert.equal(a.json?.version, b.json?.version, 'the replicas run different Grafana versions');
    const ds = await replicas.B('GET', `/api/datasources/uid/${uid}`);
    assert.equal(ds.status, 200, `the data source created on A is not on B: ${ds.text}`);
  });

  it('a Live subscriber on each replica receives the stream of the same query', async () => {
    const channels = {};
    for (const r of ['A', 'B']) {
      const res = await queryOn(r, [q()]);
      channels[r] = res.json?.results?.A?.frames?.[0]?.schema?.meta?.channel;
      assert.ok(channels[r], `replica ${r}: ${res.text}`);
    }
    assert.equal(channels.A, channels.B, 'the same query names the same Live channel on both replicas');
    live.A = await subscribe(channels.A, cfg.grafana);
    live.B = await subscribe(channels.B, cfg.grafanaB);
    await setWaiting(7);
    await Promise.all([
      live.A.waitFor(hasWaiting(7), 30_000, 'oWaiting 7 on replica A'),
      live.B.waitFor(hasWaiting(7), 30_000, 'oWaiting 7 on replica B'),
    ]);

    // each replica's plugin holds its own channel with the topic subscribed
    const topic = `v2.analytics.queues.${queue}.observations`;
    let total = 0;
    for (const r of ['A', 'B']) {
      const st = await statusOn(r);
      const t = (st.topics ?? []).find((x) => x.topic === topic);
      assert.ok(t?.socketOpen, `replica ${r} does not stream ${topic}: ${JSON.stringify(st.topics)}`);
      console.log(`replica ${r}: ${st.channels.length} channel(s), ${st.topics.length} topic(s), state ${st.state}`);
      total += st.channels.length;
    }
    assert.ok(total <= 2 * BUDGET, `the replicas hold ${total} channels, more than 2 × channelBudget (${2 * BUDGET})`);
    const upstream = (await sim('GET', '/_sim/channels')).channels.filter((c) => c.connected);
    console.log(`simulator: ${upstream.length} connected channel(s) for all data sources and replicas`);
    assert.ok(
      upstream.length >= total,
      `the simulator has ${upstream.length} connected channels, the replicas claim ${total}`
    );
  });

  it('an alert rule evaluated on both replicas is notified once', async () => {
    title = `e2e HA waiting > 5 ${queue.slice(0, 8)} ${folderUid}`;
    ruleUid = await createAlertRule({
      title,
      folderUid,
      group: `e2e-${folderUid}`,
      uid,
      rangeSeconds: 300,
      model: { ...q(), format: 'latest' },
    });
    await setWaiting(9);
    for (const r of ['A', 'B']) {
      await waitFor(
        `the rule firing on replica ${r}`,
        async () => (await ruleOn(r)).some((s) => s.startsWith('Alerting')),
        {
          timeoutMs: 90_000,
          everyMs: 2_000,
        }
      );
    }
    const first = await waitFor('the firing notification', async () => (await notificationsFor(title)).length > 0, {
      timeoutMs: 90_000,
      everyMs: 2_000,
    });
    assert.ok(first);
    // both alertmanagers had the alert; the peers de-duplicate within the group interval
    await new Promise((r) => setTimeout(r, 30_000));
    const n = (await notificationsFor(title)).length;
    console.log(`notifications for the firing rule within 30 s: ${n}`);
    assert.equal(n, 1, `the rule fired on two replicas and was notified ${n} times`);
  });

  it(
    "replica A's plugin killed: B keeps streaming and alerting, A restarts, refills and resumes",
    {
      skip: process.env.HA_KILL_PLUGIN_A
        ? false
        : "set HA_KILL_PLUGIN_A to a command that kills replica A's plugin process",
    },
    async () => {
      execSync(process.env.HA_KILL_PLUGIN_A, { stdio: 'inherit', timeout: 10_000 });
      const killed = Date.now();
      await setWaiting(13);
      await live.B.waitFor(hasWaiting(13), 30_000, 'oWaiting 13 on replica B while A has no plugin');
      assert.ok(
        (await ruleOn('B')).some((s) => s.startsWith('Alerting')),
        'the rule on B stopped firing'
      );

      // Grafana starts a new plugin process for A: its session connected after the kill
      await waitFor(
        "replica A's new plugin process, connected",
        async () => {
          const st = await statusOn('A').catch(() => undefined);
          return st?.state === 'connected' && Date.parse(st.since) >= killed - 1_000 ? st : undefined;
        },
        { timeoutMs: 60_000, everyMs: 1_000 }
      );
      console.log(`replica A's plugin connected again ${((Date.now() - killed) / 1000).toFixed(1)} s after the kill`);
      // The subscriber open on A since before the kill resumes without anyone re-running
      // the query: Grafana re-runs the stream on the new process with only the channel
      // path, and a wall screen is never reloaded.
      await setWaiting(14);
      await live.A.waitFor(
        hasWaiting(14),
        30_000,
        'oWaiting 14 on the subscriber open on replica A since before the kill'
      );
      console.log(
        `replica A's open panel streamed again ${((Date.now() - killed) / 1000).toFixed(1)} s after the kill`
      );
      // the new process reads the current state over REST once its refill round is due
      await waitFor(
        "a refill on replica A's new plugin process",
        async () => ((await statusOn('A')).refill?.refilled > 0 ? true : undefined),
        { timeoutMs: 20_000, everyMs: 500 }
      );
      assert.ok(
        (await ruleOn('A')).some((s) => s.startsWith('Alerting')),
        'the rule on A is not firing after the restart'
      );
    }
  );
});
