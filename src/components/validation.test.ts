import { GenesysOptions } from '../types';
import { validateOptions } from './validation';

describe('validateOptions', () => {
  const ok: GenesysOptions = { region: 'mypurecloud.ie', authType: 'clientCredentials', clientId: 'c' };
  it.each<[string, GenesysOptions, Partial<Record<keyof GenesysOptions, RegExp>>]>([
    ['valid region settings', ok, {}],
    ['missing client id', { ...ok, clientId: ' ' }, { clientId: /client id/ }],
    ['static token needs no client id', { ...ok, authType: 'staticToken', clientId: '' }, {}],
    ['custom without base URL', { ...ok, region: 'custom' }, { baseUrl: /Enter the base URL/ }],
    ['custom with a non-http URL', { ...ok, region: 'custom', baseUrl: 'wss://x' }, { baseUrl: /http:\/\/ or https/ }],
    [
      'custom with a bad login URL',
      { ...ok, region: 'custom', baseUrl: 'http://sim:8080', loginUrl: 'nope' },
      { loginUrl: /login URL/ },
    ],
    ['custom base URL ignored for a named region', { ...ok, baseUrl: 'nope' }, {}],
    [
      'zero and fractions rejected',
      { ...ok, historyMinutes: 0, historyMaxMB: 1.5 },
      { historyMinutes: /whole number/, historyMaxMB: /whole number/ },
    ],
    ['NaN rejected', { ...ok, tokenRefreshMarginSeconds: NaN }, { tokenRefreshMarginSeconds: /whole number/ }],
    [
      'cap below base',
      { ...ok, backoffBaseSeconds: 10, backoffCapSeconds: 5 },
      { backoffCapSeconds: /at least the backoff base/ },
    ],
    ['budget above the Genesys limit', { ...ok, channelBudget: 21 }, { channelBudget: /at most 20/ }],
  ])('%s', (_name, options, want) => {
    const errs = validateOptions(options);
    expect(Object.keys(errs).sort()).toEqual(Object.keys(want).sort());
    for (const [key, re] of Object.entries(want)) {
      expect(errs[key as keyof GenesysOptions]).toMatch(re!);
    }
  });
});
