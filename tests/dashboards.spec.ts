import { expect, test } from '@grafana/plugin-e2e';

import { watchPlugin } from './ui';

// The provisioned dashboards as a supervisor opens them (issue #21): every panel shows data
// or an honest empty state, no panel is in error, and nothing of the plugin's goes wrong in
// the browser console or the network.
for (const [uid, title] of [
  ['genesys-contact-centre', 'Contact centre — live'],
  ['genesys-plugin-health', 'Genesys plugin health'],
]) {
  test(`dashboard "${title}" loads and streams with no error`, async ({ gotoDashboardPage, page }) => {
    const problems = watchPlugin(page);
    await gotoDashboardPage({ uid });
    await expect(page.getByText(title).first()).toBeVisible();
    await page.waitForTimeout(10_000); // streams start, a few packets arrive
    await expect(page.getByTestId('data-testid Panel status error')).toHaveCount(0);
    expect(problems).toEqual([]);
  });
}
