import { expect, test } from '@grafana/plugin-e2e';

// Uses the provisioned simulator data source (seeded with queues) of the demo.
test('query editor: pick a queue topic and a queue, the panel queries the backend', async ({
  panelEditPage,
  readProvisionedDataSource,
  page,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'genesys.yaml' });
  await panelEditPage.datasource.set(ds.name);
  const row = panelEditPage.getQueryEditorRow('A');
  // By role: a label lookup for Topic also matches the "Topic events" radio.
  await row.getByRole('combobox', { name: /^Topic/ }).fill('Queue conversations');
  await page
    .getByRole('option', { name: /^Queue conversations/ })
    .first()
    .click();
  const queryReq = panelEditPage.waitForQueryDataRequest();
  await row.getByRole('combobox', { name: 'Queues', exact: true }).click();
  await page.getByRole('option').filter({ hasNotText: '$' }).first().click();
  await expect(await queryReq).toBeTruthy();
  await expect(panelEditPage.refreshPanel()).toBeOK();
});
