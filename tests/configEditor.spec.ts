import { expect, test } from '@grafana/plugin-e2e';
import { Page } from '@playwright/test';

import { GenesysOptions, GenesysSecureOptions } from '../src/types';

type ProvisionedGenesys = { jsonData: GenesysOptions };

// fillConnection points the config page at the provisioned custom base URL and client id,
// with the given secret: the two tests differ only in that secret.
async function fillConnection(page: Page, ds: ProvisionedGenesys, secret: string) {
  // A field's description is part of its accessible name ("Login URL … Defaults to the base
  // URL."), so names are matched from their start, not anywhere.
  await page.getByRole('combobox', { name: /^Region/ }).fill('Custom');
  await page.getByRole('option', { name: /Custom base URL/ }).click();
  await page.getByRole('textbox', { name: /^Base URL/ }).fill(ds.jsonData.baseUrl ?? '');
  await page.getByRole('textbox', { name: /^Client ID/ }).fill(ds.jsonData.clientId ?? '');
  await page.getByLabel(/^Client secret/).fill(secret);
}

// Runs against the Grafana at GRAFANA_URL (see tests/run-e2e.mjs) with the demo's provisioned
// simulator data source; the connection values come from provisioning/datasources/genesys.yaml.
test('config page: custom base URL and client credentials pass "Save & test"', async ({
  createDataSourceConfigPage,
  readProvisionedDataSource,
  page,
}) => {
  const ds = await readProvisionedDataSource<GenesysOptions, GenesysSecureOptions>({ fileName: 'genesys.yaml' });
  const configPage = await createDataSourceConfigPage({ type: ds.type });
  await fillConnection(page, ds, ds.secureJsonData?.clientSecret ?? '');
  await expect(configPage.saveAndTest()).toBeOK();
  await expect(configPage).toHaveAlert('success');
});

test('config page: a wrong secret is reported by the health check', async ({
  createDataSourceConfigPage,
  readProvisionedDataSource,
  page,
}) => {
  const ds = await readProvisionedDataSource<GenesysOptions, GenesysSecureOptions>({ fileName: 'genesys.yaml' });
  const configPage = await createDataSourceConfigPage({ type: ds.type });
  await fillConnection(page, ds, 'not-the-secret');
  await expect(configPage.saveAndTest()).not.toBeOK();
  await expect(configPage).toHaveAlert('error');
});
