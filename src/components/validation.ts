import { CUSTOM_REGION, GenesysOptions } from '../types';

export const NUMERIC_SETTINGS: Array<{ key: keyof GenesysOptions; label: string; unit: string; help: string }> = [
  {
    key: 'tokenRefreshMarginSeconds',
    label: 'Token refresh margin',
    unit: 's',
    help: 'Refresh an access token this long before it expires.',
  },
  {
    key: 'backoffBaseSeconds',
    label: 'Reconnect backoff base',
    unit: 's',
    help: 'First reconnect delay (full jitter, doubling).',
  },
  { key: 'backoffCapSeconds', label: 'Reconnect backoff cap', unit: 's', help: 'Longest reconnect delay.' },
  {
    key: 'channelBudget',
    label: 'Channel budget',
    unit: 'channels',
    help: 'Most notification channels this data source may hold (Genesys allows 20 per OAuth client).',
  },
  {
    key: 'historyMinutes',
    label: 'History retention',
    unit: 'min',
    help: 'Events kept per topic for queries and alerting.',
  },
  {
    key: 'historyMaxMB',
    label: 'History memory limit',
    unit: 'MB',
    help: 'Memory the history of this data source may use.',
  },
  {
    key: 'alertKeepAliveMinutes',
    label: 'Alert topic keep-alive',
    unit: 'min',
    help: 'Topics stay subscribed this long after the last alert query.',
  },
];

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Messages saying what to fix, keyed by the jsonData field they are about. */
export function validateOptions(o: GenesysOptions): Partial<Record<keyof GenesysOptions, string>> {
  const errs: Partial<Record<keyof GenesysOptions, string>> = {};
  if (o.region === CUSTOM_REGION) {
    if (!o.baseUrl?.trim()) {
      errs.baseUrl = 'Enter the base URL that serves /api/v2 (for example http://localhost:8081).';
    } else if (!isHttpUrl(o.baseUrl.trim())) {
      errs.baseUrl = 'The base URL must start with http:// or https://.';
    }
    if (o.loginUrl?.trim() && !isHttpUrl(o.loginUrl.trim())) {
      errs.loginUrl = 'The login URL must start with http:// or https://.';
    }
  }
  if ((o.authType ?? 'clientCredentials') === 'clientCredentials' && !o.clientId?.trim()) {
    errs.clientId = 'Enter the OAuth client id (client credentials grant).';
  }
  for (const s of NUMERIC_SETTINGS) {
    const v = o[s.key];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)) {
      errs[s.key] = `${s.label} must be a whole number greater than 0.`;
    }
  }
  if (
    !errs.backoffCapSeconds &&
    o.backoffBaseSeconds &&
    o.backoffCapSeconds &&
    o.backoffCapSeconds < o.backoffBaseSeconds
  ) {
    errs.backoffCapSeconds = 'The backoff cap must be at least the backoff base.';
  }
  if (!errs.channelBudget && o.channelBudget && o.channelBudget > 20) {
    errs.channelBudget = 'Genesys Cloud allows at most 20 channels per OAuth client.';
  }
  return errs;
}
