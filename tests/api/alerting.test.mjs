// An alert rule created through Grafana's provisioning API, evaluated by Grafana's alerting
// on this plugin's backend: firing, resolving, then NoData once the upstream goes silent.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  assertNoSecretInTranscript,
  cfg,
  clearFaults,
  createAlertRule,
  createDatasource,
  deleteDatasource,
  gf,
  keepPublishing,
  newQueueId,
  obsTopic,
  observation,
  provenance,
  ruleState,
  sim,
  skip,
  waitFor,
} from './lib.mjs';

const RANGE_SECONDS = 30;

describe('alerting on the plugin', { skip }, () => {
  let uid;
  let folderUid;
  let ruleUid;
  let title;
  let stopPublishing = async () => {};
  const queue = newQueueId();
  let waiting = 9;

  before(async () => {
    uid = await createDatasource('alerting');
    folderUid = `e2e-${randomUUID().slice(0, 8)}`;
    const f = await gf('POST', '/api/folders', { uid: folderUid, title: `Genesys e2e ${folderUid}` });
    assert.equal(f.status, 200, f.text);
  });
  after(async () => {
    await stopPublishing();
    await clearFaults();
    if (ruleUid) {
      await gf('DELETE', `/api/v1/provisioning/alert-rules/${ruleUid}`, undefined, provenance);
    }
    await gf('DELETE', `/api/folders/${folderUid}`);
    await deleteDatasource(uid);
    assertNoSecretInTranscript();
  });

  const waitState = (want, ms) =>
    waitFor(
      `an alert instance in state ${want}`,
      async () => {
        const s = await ruleState(title);
        return s.alerts.some((a) => a.startsWith(want)) ? s : undefined;
      },
      { timeoutMs: ms, everyMs: 2_000 }
    );

  it('creates a rule on the plugin through the provisioning API', async () => {
    title = `e2e waiting > 5 ${queue.slice(0, 8)}`;
    const group = `e2e-${folderUid}`;
    ruleUid = await createAlertRule({
      title,
      folderUid,
      group,
      uid,
      rangeSeconds: RANGE_SECONDS,
      model: {
        queryType: 'events',
        topic: 'v2.analytics.queues.{id}.observations',
        ids: [queue],
        fields: ['oWaiting'],
        format: 'events',
      },
    });
  });

  it('fires while customers wait', async () => {
    stopPublishing = keepPublishing(obsTopic(queue), () => observation(queue, waiting));
    const s = await waitState('Alerting', 90_000);
    assert.equal(s.rule, 'firing', JSON.stringify(s.raw));
  });

  it('resolves when the queue drains', async () => {
    waiting = 1;
    await waitState('Normal', 90_000);
  });

  it('goes to NoData when the upstream goes silent', async () => {
    await stopPublishing();
    await sim('POST', '/_sim/faults/http', { pathPrefix: '/', status: 502 });
    await sim('POST', '/_sim/faults/drop', { all: true });
    await waitState('NoData', (RANGE_SECONDS + 60) * 1000);
  });
});
