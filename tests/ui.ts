import { Locator, Page } from '@playwright/test';

// Grafana's UI as the browser specs drive it: the query editor's pickers (as a person picks),
// the Refresh button, the demo's query row, and a watch on what the plugin does wrong.
//
// The topic picker accepts custom topic ids, so typed text is also offered as its own
// option: options are picked by the topic id their secondary text shows, never by the
// typed name alone.

/** Picks the topic `id` in the query row, typing `typed` first when given. */
export async function pickTopic(page: Page, row: Locator, id: string, typed?: string) {
  const topic = row.getByRole('combobox', { name: /^Topic/ });
  await topic.click();
  if (typed) {
    await topic.fill(typed);
  }
  await page.getByRole('option').filter({ hasText: id }).first().click();
}

/**
 * Picks the n-th entity (queue or user, not a template variable) of the row's Queues or
 * Users picker, closes the list, and returns the picked name and id.
 */
export async function pickEntity(
  page: Page,
  row: Locator,
  kind: 'Queues' | 'Users',
  n = 0
): Promise<{ name: string; id: string }> {
  await row.getByRole('combobox', { name: kind, exact: true }).click();
  const option = page.getByRole('option').filter({ hasNotText: '$' }).nth(n);
  // the option reads "<name><id>": its label and, as secondary text, its id
  const text = ((await option.textContent()) ?? '').trim();
  const id = text.match(/[0-9a-f-]{36}$/i)?.[0] ?? '';
  const name = text.slice(0, text.length - id.length).trim();
  await option.click();
  // close the list if it is still open: Escape with no list open leaves the panel editor
  const list = page.getByRole('listbox');
  if (await list.isVisible()) {
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden' });
  }
  return { name, id };
}

/**
 * Runs the panel's queries with the Refresh button and returns the query's response
 * (plugin-e2e's refreshPanel waits for a button Grafana 13.1 does not always show).
 */
export async function refresh(page: Page) {
  const response = page.waitForResponse((r) => r.url().includes('/api/ds/query'));
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  return response;
}

/**
 * Collects what a person would see go wrong in the browser's console because of this plugin:
 * console errors and page errors that name it or come from its module, and failed requests
 * to its resources, queries and files. Grafana's own offline noise (plugin catalogue, news)
 * is not the plugin's and is left out.
 */
export function watchPlugin(page: Page): string[] {
  const problems: string[] = [];
  const ours = (s: string) => /cxlive-genesyscloud|genesys/i.test(s);
  page.on('console', (m) => {
    if (m.type() === 'error' && (ours(m.text()) || ours(m.location().url ?? ''))) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    const url = r.url();
    const plugin = url.includes('/public/plugins/cxlive-genesyscloud') || /\/api\/datasources\/uid\/genesys/.test(url);
    if (plugin && r.status() >= 400) {
      problems.push(`HTTP ${r.status()} ${url}`);
    }
  });
  page.on('requestfailed', (r) => {
    if (ours(r.url())) {
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
    }
  });
  return problems;
}

/** A page with a data source picker and query rows: the panel editor or Explore. */
type QueryPage = { datasource: { set(name: string): Promise<void> }; getQueryEditorRow(refId: string): Locator };

/** Points `editor` at the demo's provisioned data source and returns query row A. */
export async function demoQueryRow(
  editor: QueryPage,
  readProvisionedDataSource: (args: { fileName: string }) => Promise<{ name: string }>
): Promise<Locator> {
  const ds = await readProvisionedDataSource({ fileName: 'genesys.yaml' });
  await editor.datasource.set(ds.name);
  return editor.getQueryEditorRow('A');
}
