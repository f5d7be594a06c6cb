import { expect, test } from '@grafana/plugin-e2e';

import { watchPlugin } from './ui';

// A supervisor's alert from a panel (issue #21's walk-through): the panel menu's "New alert
// rule" opens Grafana's rule editor with the panel's query in this plugin's query editor,
// and the rule's preview evaluates it through the backend.
test('alerting: a rule created from a dashboard panel keeps its query and previews', async ({
  gotoDashboardPage,
  page,
}) => {
  const problems = watchPlugin(page);
  await gotoDashboardPage({ uid: 'genesys-contact-centre' });
  const title = 'Customers waiting';
  const header = page.getByTestId(`data-testid Panel header ${title}`);
  await header.hover();
  await page.getByTestId(`data-testid Panel menu ${title}`).click();
  await page.getByRole('menuitem', { name: /^More/ }).click();
  await page.getByRole('menuitem', { name: /New alert rule/ }).click();
  await expect(page).toHaveURL(/\/alerting\/new/);
  const topic = page.getByRole('combobox', { name: /^Topic/ }).first();
  await expect(topic).toHaveValue('Queue observations');
  const preview = page.waitForResponse((r) => r.url().includes('/api/v1/eval'));
  await page
    .getByRole('button', { name: /^Preview/ })
    .first()
    .click();
  const answer = await preview;
  expect(answer.ok()).toBe(true);
  // the backend answered the rule's query A with one series per queue of $queue, each named
  // by its queue, and Grafana's expressions reduced and compared them
  const results = (await answer.json()).results;
  const series = results.A.frames as Array<{ schema: { fields: Array<{ labels?: Record<string, string> }> } }>;
  expect(series.length).toBeGreaterThan(0);
  for (const f of series) {
    expect(f.schema.fields[1]?.labels?.queueName).toBeTruthy();
  }
  expect(results.C.frames).toHaveLength(series.length);
  await expect(page.getByText(/needs at least one id|not connected/i)).toHaveCount(0);
  expect(problems).toEqual([]);
});
