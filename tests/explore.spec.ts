import { expect, test } from '@grafana/plugin-e2e';

import { demoQueryRow, pickTopic, watchPlugin } from './ui';

// Issue #21: in Grafana 13.1, Explore crashed ("An unexpected error happened", React error
// #185 in floating-ui) when a user topic was picked, or a topic was typed and the filtered
// option picked. Every way of picking a topic that crashed before is tried here.
test('explore: picking topics, typed or clicked, queue or user, never crashes Explore', async ({
  explorePage,
  readProvisionedDataSource,
  page,
}) => {
  const problems = watchPlugin(page);
  const row = await demoQueryRow(explorePage, readProvisionedDataSource);
  const picks: Array<[string, string | undefined]> = [
    ['v2.analytics.queues.{id}.observations', undefined], // clicked from the open list
    ['v2.users.{id}.presence', undefined], // a user topic after a queue topic
    ['v2.users.{id}.routingStatus', 'routing'], // typed, then the filtered option
    ['v2.analytics.queues.{id}.observations', 'observ'], // back to a queue topic, typed
    ['v2.users.{id}.activity', 'activity'],
  ];
  for (const [id, typed] of picks) {
    await pickTopic(page, row, id, typed);
    await expect(page.getByText('An unexpected error happened')).toHaveCount(0);
    await expect(row.getByRole('combobox', { name: /^Topic/ })).toBeVisible();
    await expect(row.getByRole('combobox', { name: /^(Queues|Users)$/ })).toBeVisible();
  }
  expect(problems).toEqual([]);
});
