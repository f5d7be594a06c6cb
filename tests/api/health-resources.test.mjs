// CheckHealth and the plugin's resources, called through Grafana as the config page and the
// query editor call them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertNoSecretInTranscript, cfg, createDatasource, deleteDatasource, gf, skip, waitFor } from './lib.mjs';

describe('health and resources through Grafana', { skip }, () => {
  let uid;
  let wrong;
  before(async () => {
    uid = await createDatasource('health');
    wrong = await createDatasource('wrongsecret', { secret: 'not-the-secret' });
  });
  after(async () => {
    await deleteDatasource(uid);
    await deleteDatasource(wrong);
    assertNoSecretInTranscript();
  });

  it('reports a healthy connection to the simulator', async () => {
    const r = await gf('GET', `/api/datasources/uid/${uid}/health`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'OK', r.text);
    assert.match(r.json.message, new RegExp(cfg.simFromGrafana.replace(/[.:/]/g, '\\$&')));
  });

  it('names a rejected secret, then recovers once the secret is fixed', async () => {
    const bad = await gf('GET', `/api/datasources/uid/${wrong}/health`);
    assert.equal(bad.json?.status, 'ERROR', bad.text);
    assert.match(bad.json.message, /Authentication failed/);
    // Grafana keys its plugin instances by the settings' update time in whole seconds: an
    // edit within the second the data source was created would reuse the old instance
    await new Promise((r) => setTimeout(r, 1_100));
    const ds = (await gf('GET', `/api/datasources/uid/${wrong}`)).json;
    const put = await gf('PUT', `/api/datasources/uid/${wrong}`, {
      ...ds,
      secureJsonData: { clientSecret: cfg.secret },
    });
    assert.equal(put.status, 200, put.text);
    // Grafana caches a data source's settings for a few seconds, so the fix shows on a later check
    await waitFor(
      'the health check to pass with the fixed secret',
      async () => {
        const good = await gf('GET', `/api/datasources/uid/${wrong}/health`);
        return good.json?.status === 'OK';
      },
      { timeoutMs: 30_000 }
    );
  });

  it('serves topics, queues and users to the query editor', async () => {
    const topics = await gf('GET', `/api/datasources/uid/${uid}/resources/topics`);
    assert.equal(topics.status, 200, topics.text);
    assert.ok(JSON.stringify(topics.json).includes('v2.analytics.queues.{id}.observations'), topics.text);

    const queues = await gf('GET', `/api/datasources/uid/${uid}/resources/queues`);
    assert.equal(queues.status, 200, queues.text);
    const names = JSON.stringify(queues.json);
    assert.match(names, /"name":"[^"]+"/, 'queues carry names');

    const users = await gf('GET', `/api/datasources/uid/${uid}/resources/users`);
    assert.equal(users.status, 200, users.text);
    assert.match(JSON.stringify(users.json), /"name":"[^"]+"/, 'users carry names');
  });

  it('answers the connection status resource without secrets', async () => {
    const r = await gf('GET', `/api/datasources/uid/${uid}/resources/status`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json && typeof r.json === 'object', r.text);
  });

  it('answers an unknown resource with 404 and a hint', async () => {
    const r = await gf('GET', `/api/datasources/uid/${uid}/resources/nope`);
    assert.equal(r.status, 404, r.text);
  });
});
