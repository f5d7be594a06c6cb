import { expect, test } from '@grafana/plugin-e2e';

import { demoQueryRow, pickEntity, pickTopic, refresh, watchPlugin } from './ui';

const QUEUE_CONVERSATIONS = 'v2.routing.queues.{id}.conversations';
const QUEUE_OBSERVATIONS = 'v2.analytics.queues.{id}.observations';
const AGENT_PRESENCE = 'v2.users.{id}.presence';
const AGENT_ROUTING = 'v2.users.{id}.routingStatus';

// Uses the provisioned simulator data source (seeded with queues) of the demo.
test('query editor: pick a queue topic and a queue, the panel queries the backend', async ({
  panelEditPage,
  readProvisionedDataSource,
  page,
}) => {
  const problems = watchPlugin(page);
  const row = await demoQueryRow(panelEditPage, readProvisionedDataSource);
  await pickTopic(page, row, QUEUE_CONVERSATIONS, 'conversations');
  const queryReq = panelEditPage.waitForQueryDataRequest();
  await pickEntity(page, row, 'Queues');
  await expect(await queryReq).toBeTruthy();
  expect((await refresh(page)).ok()).toBe(true);
  expect(problems).toEqual([]);
});

// Issue #21: switching a panel from a queue topic to a user topic kept the queue ids, so the
// Users picker showed the queue and the panel asked for users that are queues.
test('query editor: switching from a queue topic to a user topic clears the queues', async ({
  panelEditPage,
  readProvisionedDataSource,
  page,
}) => {
  const row = await demoQueryRow(panelEditPage, readProvisionedDataSource);
  await pickTopic(page, row, QUEUE_OBSERVATIONS);
  const { name: queueName } = await pickEntity(page, row, 'Queues');
  expect(queueName).not.toBe('');
  await expect(row.getByText(queueName).first()).toBeVisible();

  await pickTopic(page, row, AGENT_PRESENCE);
  await expect(row.getByRole('combobox', { name: 'Users', exact: true })).toBeVisible();
  await expect(row.getByText(queueName)).toHaveCount(0);
  // a user picked now is the only id: the panel queries without error
  await pickEntity(page, row, 'Users');
  expect((await refresh(page)).ok()).toBe(true);
  await expect(page.getByText(/needs at least one id|not a user/i)).toHaveCount(0);
});

const simURL = (process.env.SIMULATOR_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');

async function publish(topic: string, body: unknown) {
  const r = await fetch(`${simURL}/_sim/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ topic, body }),
  });
  expect(r.ok).toBe(true);
}

// Issue #21: a "latest" stream appended every update as a row, so "Agents by routing status"
// counted 33 agents of 20 after two minutes. Each user must keep one row however often its
// status changes.
test('query editor: a latest stream keeps one row per user while updates stream in', async ({
  panelEditPage,
  readProvisionedDataSource,
  page,
}) => {
  const row = await demoQueryRow(panelEditPage, readProvisionedDataSource);
  await pickTopic(page, row, AGENT_ROUTING, 'routing');
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push((await pickEntity(page, row, 'Users', i)).id);
  }
  await row.getByRole('radio', { name: 'Latest', exact: true }).check({ force: true });
  expect((await refresh(page)).ok()).toBe(true);
  expect(ids.filter(Boolean)).toHaveLength(3);
  const statuses = ['IDLE', 'INTERACTING', 'NOT_RESPONDING', 'OFF_QUEUE'];
  for (const status of statuses) {
    for (const id of ids) {
      await publish(`v2.users.${id}.routingstatus`, {
        id,
        routingStatus: { status, startTime: new Date().toISOString() },
      });
    }
    await page.waitForTimeout(1_500);
  }
  await panelEditPage.toggleTableView();
  const panel = page.getByTestId(/data-testid panel content/).first();
  await expect(panel.getByText('OFF_QUEUE').first()).toBeVisible();
  // the table view shows one user's frame: one row after four updates (the streamed
  // updates replaced the row instead of appending to it)
  await expect(panel.getByText('OFF_QUEUE', { exact: true })).toHaveCount(1);
  await expect(panel.getByRole('row')).toHaveCount(2); // the header and one row
  await expect(panel.getByText('IDLE', { exact: true })).toHaveCount(0);
});
