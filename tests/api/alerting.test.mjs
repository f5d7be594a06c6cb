// An alert rule created through Grafana's provisioning API, evaluated by Grafana's alerting
// on this plugin's backend: firing, resolving, then NoData once the upstream goes silent.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  assertNoSecretInTranscript,
  cfg,
  clearFaults,
  createDatasource,
  deleteDatasource,
  gf,
  keepPublishing,
  newQueueId,
  obsTopic,
  observation,
  sim,
  skip,
  waitFor,
} from './lib.mjs';

const RANGE_SECONDS = 30;
const provenance = { 'X-Disable-Provenance': 'true' };

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

  /** The states of the rule's alert instances, as Grafana's rules API reports them. */
  async function instanceStates() {
    const r = await gf('GET', '/api/prometheus/grafana/api/v1/rules');
    for (const g of r.json?.data?.groups ?? []) {
      for (const rule of g.rules ?? []) {
        if (rule.name === title) {
          return { rule: rule.state, health: rule.health, alerts: (rule.alerts ?? []).map((a) => a.state), raw: rule };
        }
      }
    }
    return { rule: 'absent', alerts: [] };
  }
  const waitState = (want, ms) =>
    waitFor(
      `an alert instance in state ${want}`,
      async () => {
        const s = await instanceStates();
        return s.alerts.some((a) => a.startsWith(want)) ? s : undefined;
      },
      { timeoutMs: ms, everyMs: 2_000 }
    );

  it('creates a rule on the plugin through the provisioning API', async () => {
    title = `e2e waiting > 5 ${queue.slice(0, 8)}`;
    const group = `e2e-${folderUid}`;
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
            relativeTimeRange: { from: RANGE_SECONDS, to: 0 },
            model: {
              refId: 'A',
              datasource: { type: cfg.pluginId, uid },
              queryType: 'events',
              topic: 'v2.analytics.queues.{id}.observations',
              ids: [queue],
              fields: ['oWaiting'],
              format: 'events',
            },
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
              expression: '$B > 5',
              datasource: { type: '__expr__', uid: '__expr__' },
            },
          },
        ],
      },
      provenance
    );
    assert.ok(r.status === 200 || r.status === 201, r.text);
    ruleUid = r.json.uid;
    // evaluate every 10 s (Grafana's minimum by default) instead of the 1 min default
    const g = await gf(
      'PUT',
      `/api/v1/provisioning/folder/${folderUid}/rule-groups/${group}`,
      { interval: 10 },
      provenance
    );
    assert.equal(g.status, 200, g.text);
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
