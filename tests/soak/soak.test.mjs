// The wall-screen soak (docs/e2e.md, `E2E_SUITES=soak`): one data source streaming one queue to
// a Grafana Live subscriber for SOAK_MINUTES of real time while the simulator injects a fault
// every SOAK_FAULT_SECONDS, in turn each kind the upstream is documented to have. After every
// fault the stream must resume by itself; across the run the plugin process's goroutines and
// heap (Grafana's /api/plugins/<id>/metrics) must not grow. It prints what it saw.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  cfg,
  clearFaults,
  createDatasource,
  endStreaming,
  gf,
  keepPublishing,
  newQueueId,
  obsTopic,
  observation,
  query,
  sim,
  skip,
} from '../api/lib.mjs';
import { subscribe } from '../api/live.mjs';

const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const faultEvery = Number(process.env.SOAK_FAULT_SECONDS ?? 90) * 1000;
const recoverWithin = 150_000; // ms: backoff caps at 60 s, plus the fault's own duration

// Each kind of fault, applied in turn; clearFaults() ends the ones that last.
const faults = [
  ['every socket dropped', () => sim('POST', '/_sim/faults/drop', { all: true })],
  [
    "the seed's fault: 502s for 20 s, tokens expired, sockets dropped",
    async () => {
      await sim('POST', '/_sim/faults/http', { pathPrefix: '/', status: 502, durationSeconds: 20 });
      await sim('POST', '/_sim/tokens/expire');
      await sim('POST', '/_sim/faults/drop', { all: true });
    },
  ],
  ['channels expired', () => sim('POST', '/_sim/channels/expire')],
  ['socket_closing notice', () => sim('POST', '/_sim/socket-closing')],
  ['tokens revoked', () => sim('POST', '/_sim/tokens/revoke')],
  ['no_longer_subscribed', () => sim('POST', '/_sim/no-longer-subscribed')],
  [
    'upgrades refused 3 times, then sockets dropped',
    async () => {
      await sim('POST', '/_sim/faults/drop', { upgrades: 3 });
      await sim('POST', '/_sim/faults/drop', { all: true });
    },
  ],
];

/** go_goroutines, heap in use and RSS of the plugin process, from Grafana's plugin metrics. */
async function processStats() {
  const r = await gf('GET', `/api/plugins/${cfg.pluginId}/metrics`, undefined, { Accept: 'text/plain' });
  assert.equal(r.status, 200, `plugin metrics: ${r.status} ${r.text.slice(0, 200)}`);
  const read = (name) => {
    const m = r.text.match(new RegExp(`^${name} (\\S+)$`, 'm'));
    assert.ok(m, `plugin metrics have no ${name}`);
    return Number(m[1]);
  };
  return {
    goroutines: read('go_goroutines'),
    heapMiB: read('go_memstats_heap_inuse_bytes') / 2 ** 20,
    rssMiB: read('process_resident_memory_bytes') / 2 ** 20,
  };
}

/** The sum of the status counters a fault moves: reconnects, gaps, channels, subscriptions. */
async function noticed(uid) {
  const st = await gf('GET', `/api/datasources/uid/${uid}/resources/status`);
  assert.equal(st.status, 200, st.text);
  const c = st.json?.counters ?? {};
  return (c.reconnects ?? 0) + (c.gaps ?? 0) + (c.channelsCreated ?? 0) + (c.subscribes ?? 0) + (c.socketsOpened ?? 0);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe(`soak: ${minutes} min of streaming with a fault every ${faultEvery / 1000} s`, { skip }, () => {
  let uid;
  let live;
  let stopPublishing = async () => {};
  const queue = newQueueId();
  let value = 0;

  before(async () => {
    uid = await createDatasource('soak');
  });
  after(() => endStreaming(uid, stopPublishing, live));

  it(
    'resumes after every fault, and the plugin process does not grow',
    { timeout: (minutes + 10) * 60_000 },
    async () => {
      const r = await query(uid, [{ queryType: 'events', topic: obsTopic(queue), fields: ['oWaiting'] }]);
      const channel = r.json?.results?.A?.frames?.[0]?.schema?.meta?.channel;
      assert.ok(channel, r.text);
      live = await subscribe(channel);
      // a new value every second; a frame holding a value published after a fault proves recovery
      stopPublishing = keepPublishing(obsTopic(queue), () => observation(queue, ++value));
      const holds = (min) => (f) =>
        (f?.data?.values ?? []).slice(1).some((col) => Array.isArray(col) && col.some((v) => v >= min));
      await live.waitFor(holds(1), 60_000, 'the first value');

      const samples = [];
      const recoveries = [];
      const end = Date.now() + minutes * 60_000;
      const sample = async (at) =>
        samples.push({ at: Math.round((Date.now() - at) / 1000), ...(await processStats()) });
      const start = Date.now();
      await sleep(30_000); // warm-up: the first packets, the name directory's first pass
      await sample(start);
      for (let i = 0; Date.now() + faultEvery < end; i++) {
        const [name, inject] = faults[i % faults.length];
        const noticed0 = await noticed(uid);
        const t0 = Date.now();
        await inject();
        const after = value + 1;
        await sleep(1_000);
        await live.waitFor(holds(after), recoverWithin, `a value published after "${name}"`);
        const seconds = (Date.now() - t0) / 1000;
        recoveries.push({ fault: name, seconds });
        console.log(`# ${name}: stream resumed ${seconds.toFixed(1)} s after the fault`);
        // the fault is on record in the status (a reconnect, a gap, a new channel or
        // subscription), not hidden
        assert.ok((await noticed(uid)) > noticed0, `"${name}" left no trace in the status counters`);
        await clearFaults();
        while (Date.now() - t0 < faultEvery) {
          await sleep(Math.min(30_000, faultEvery - (Date.now() - t0)));
          await sample(start);
        }
      }
      await sample(start);
      console.log('# t(s)  goroutines  heap-MiB  rss-MiB');
      for (const s of samples) {
        console.log(`# ${s.at}  ${s.goroutines}  ${s.heapMiB.toFixed(1)}  ${s.rssMiB.toFixed(1)}`);
      }

      assert.ok(recoveries.length >= 2, `only ${recoveries.length} faults fit in ${minutes} min`);
      // Growth is judged on the last third of the run against the first: a leak of a goroutine
      // or a buffer per fault would show as a trend; a few goroutines of an open reconnect do not.
      const third = Math.max(1, Math.floor(samples.length / 3));
      const first = samples.slice(0, third);
      const last = samples.slice(-third);
      const maxG = (xs) => Math.max(...xs.map((s) => s.goroutines));
      assert.ok(
        maxG(last) <= maxG(first) + 10,
        `goroutines grew: first third ≤ ${maxG(first)}, last third up to ${maxG(last)}`
      );
      const heapFirst = median(first.map((s) => s.heapMiB));
      const heapLast = median(last.map((s) => s.heapMiB));
      assert.ok(heapLast <= heapFirst * 1.5 + 16, `heap grew: ${heapFirst.toFixed(1)} → ${heapLast.toFixed(1)} MiB`);

      const st = await gf('GET', `/api/datasources/uid/${uid}/resources/status`);
      console.log(`# counters after the run: ${JSON.stringify(st.json?.counters)}`);
    }
  );
});
