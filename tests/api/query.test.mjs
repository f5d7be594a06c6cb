// /api/ds/query as panels and Explore send it: events, latest, status, and a bad query.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertNoSecretInTranscript,
  createDatasource,
  gf,
  deleteDatasource,
  lastValue,
  newQueueId,
  obsTopic,
  observation,
  publish,
  query,
  skip,
  waitFor,
} from './lib.mjs';

describe('queries through /api/ds/query', { skip }, () => {
  let uid;
  const queue = newQueueId();
  const events = {
    queryType: 'events',
    topic: 'v2.analytics.queues.{id}.observations',
    ids: [queue],
    fields: ['oWaiting'],
  };
  before(async () => {
    uid = await createDatasource('query');
  });
  after(async () => {
    await deleteDatasource(uid);
    assertNoSecretInTranscript();
  });

  it('names a Live channel for a dashboard query and fills history from the stream', async () => {
    const first = await query(uid, [{ ...events, format: 'events' }]);
    assert.equal(first.status, 200, first.text);
    const channel = first.json.results.A.frames[0].schema.meta.channel;
    assert.match(channel, /^ds\/[^/]+\/q\//, first.text);

    // the query subscribed the topic; give the subscription a moment, then publish
    const got = await waitFor('an observation published to the simulator to come back from a query', async () => {
      await publish(obsTopic(queue), observation(queue, 4));
      const r = await query(uid, [{ ...events, format: 'events' }]);
      return lastValue(r, 'oWaiting') === 4 ? r : undefined;
    });
    const labels = got.json.results.A.frames[0].schema.fields[1].labels;
    assert.equal(labels.queueId, queue);
    assert.equal(labels.queueName, queue, 'a queue the directory does not know is named by its id');
  });

  it('labels series with the queue name from the directory, not only the id', async () => {
    const queues = await gf('GET', `/api/datasources/uid/${uid}/resources/queues`);
    const named = queues.json.items[0];
    assert.ok(named?.name, queues.text);
    const q = { ...events, ids: [named.id], format: 'latest' };
    await query(uid, [q]); // subscribes the topic
    const labels = await waitFor(`a series labelled queueName=${named.name}`, async () => {
      await publish(obsTopic(named.id), observation(named.id, 2));
      const r = await query(uid, [q]);
      const l = r.json?.results?.A?.frames?.[0]?.schema?.fields?.[1]?.labels;
      return l?.queueName === named.name ? l : undefined;
    });
    assert.equal(labels.queueId, named.id);
  });

  it('answers format latest with the last value per queue', async () => {
    await publish(obsTopic(queue), observation(queue, 7));
    await waitFor('latest to show 7', async () => {
      const r = await query(uid, [{ ...events, format: 'latest' }]);
      return lastValue(r, 'oWaiting') === 7;
    });
  });

  it('answers a status query', async () => {
    const r = await query(uid, [{ queryType: 'status' }]);
    assert.equal(r.status, 200, r.text);
    const connected = lastValue(r, 'connected');
    assert.equal(connected, 1, r.text); // a number, so alert rules can compare it
  });

  it('rejects a malformed topic with a message that says what to fix', async () => {
    const r = await query(uid, [{ queryType: 'events', topic: 'not a topic!' }]);
    const res = r.json?.results?.A;
    assert.ok(res?.error, r.text);
    assert.match(res.error, /topic/i);
  });
});
