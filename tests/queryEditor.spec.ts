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
  await row.getByLabel('Topic').fill('v2.routing.queues.{id}.conversations');
  await page
    .getByRole('option', { name: /v2\.routing\.queues\.\{id\}\.conversations/ })
    .first()
    .click();
  const queryReq = panelEditPage.waitForQueryDataRequest();
  await row.getByLabel('Queues').click();
  await page.getByRole('option').filter({ hasNotText: '$' }).first().click();
  await expect(await queryReq).toBeTruthy();
  await expect(panelEditPage.refreshPanel()).toBeOK();
});
