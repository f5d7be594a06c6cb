// Grafana Live: the stream a dashboard query names, and the seed's fault (502s while the
// token expires and every socket drops) with the stream resuming afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createDatasource,
  endStreaming,
  keepPublishing,
  newQueueId,
  obsTopic,
  observation,
  query,
  sim,
  skip,
  waitFor,
} from './lib.mjs';
import { subscribe } from './live.mjs';

const OUTAGE_SECONDS = 20;

describe('Grafana Live stream', { skip }, () => {
  let uid;
  let live;
  let stopPublishing = async () => {};
  const queue = newQueueId();
  let value = 1;
  const q = { queryType: 'events', topic: 'v2.analytics.queues.{id}.observations', ids: [queue], fields: ['oWaiting'] };
  // a packet whose value columns hold v (the time column holds epoch milliseconds, never v)
  const hasWaiting = (v) => (f) => (f?.data?.values ?? []).some((col) => Array.isArray(col) && col.includes(v));

  before(async () => {
    uid = await createDatasource('live');
  });
  after(() => endStreaming(uid, stopPublishing, live));

  it('pushes published events to a subscriber of the query channel', async () => {
    const r = await query(uid, [q]);
    const channel = r.json?.results?.A?.frames?.[0]?.schema?.meta?.channel;
    assert.ok(channel, r.text);
    live = await subscribe(channel);
    value = 11;
    stopPublishing = keepPublishing(obsTopic(queue), () => observation(queue, value));
    await live.waitFor(hasWaiting(11), 30_000, 'oWaiting 11');
  });

  it('resumes after the seed fault: 502s while the token expires and sockets drop', async () => {
    const before = await sim('GET', '/_sim/records?kind=upgrade');
    await sim('POST', '/_sim/faults/http', { pathPrefix: '/', status: 502, durationSeconds: OUTAGE_SECONDS });
    await sim('POST', '/_sim/tokens/expire');
    await sim('POST', '/_sim/faults/drop', { all: true });
    const outageStart = Date.now();
    value = 22;
    // the stream resumes once the outage is over: new token, new channel, re-subscribed
    await live.waitFor(hasWaiting(22), (OUTAGE_SECONDS + 60) * 1000, 'oWaiting 22 after the outage');
    const resumedAfter = (Date.now() - outageStart) / 1000;
    console.log(`stream resumed ${resumedAfter.toFixed(1)} s after a ${OUTAGE_SECONDS} s outage began`);

    // no reconnect loop: the plugin never re-dialled with the expired token, and the
    // attempts during the outage were few
    const upgrades = (await sim('GET', '/_sim/records?kind=upgrade')).records.slice(before.records.length);
    const rejected = (await sim('GET', '/_sim/records?kind=upgrade_rejected')).records.filter(
      (rec) => Date.parse(rec.time) >= outageStart
    );
    assert.ok(upgrades.length >= 1, 'the plugin opened a new socket');
    // Per channel: the simulator also serves the other data sources and, in an HA cluster,
    // the other replica's plugin, each of which may have one upgrade refused for its
    // expired token; a loop is one token or one channel dialled again and again.
    const perKey = {};
    for (const rec of rejected) {
      for (const key of [`channel ${rec.channel}`, rec.token ? `token ${rec.token}` : '']) {
        if (key) {
          perKey[key] = (perKey[key] ?? 0) + 1;
        }
      }
    }
    const worst = Math.max(0, ...Object.values(perKey));
    console.log(
      `upgrades refused after the outage began: ${rejected.length}, at most ${worst} with one channel or token`
    );
    assert.ok(
      worst <= 3,
      `${worst} upgrades with one channel or token were refused after the outage began: a reconnect loop ${JSON.stringify(perKey)}`
    );

    // the gap is reported to the dashboard, not hidden
    const r = await waitFor('a gap notice on the query', async () => {
      const res = await query(uid, [q]);
      const notices = res.json?.results?.A?.frames?.[0]?.schema?.meta?.notices ?? [];
      return notices.find((n) => /events may be missing/.test(n.text));
    });
    assert.match(r.text, /events may be missing between/);
    const status = await query(uid, [{ queryType: 'status' }]);
    assert.match(status.text, /reconnects/);
  });
});
