import { DataQueryRequest, DataSourceApi, DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** Output shape of an events query (docs/architecture.md "Query model"). */
export type QueryFormat = 'events' | 'latest';

/** "" / "events" query topics; "status" describes the connection itself. */
export type QueryType = '' | 'events' | 'status';

/** One query as the backend reads it; mirrors the JSON in docs/architecture.md. */
export interface GenesysQuery extends DataQuery {
  queryType?: QueryType;
  /** A topic template from /topics (with `{id}`) or a concrete topic name. */
  topic?: string;
  /** Entity ids substituted for `{id}`; may hold template variables such as `$queue` until applied. */
  ids?: string[];
  /** Optional dotted paths into the flattened event body; empty means all fields. */
  fields?: string[];
  format?: QueryFormat;
}

export const DEFAULT_QUERY: Partial<GenesysQuery> = {
  queryType: 'events',
  ids: [],
  fields: [],
  format: 'events',
};

/** The placeholder a topic template uses for its entity id. */
export const ID_PLACEHOLDER = '{id}';

export function topicNeedsIds(topic?: string): boolean {
  return !!topic && topic.includes(ID_PLACEHOLDER);
}

export type AuthType = 'clientCredentials' | 'staticToken';

/** jsonData of the data source (docs/architecture.md "Data source settings"). */
export interface GenesysOptions extends DataSourceJsonData {
  region?: string;
  baseUrl?: string;
  loginUrl?: string;
  authType?: AuthType;
  clientId?: string;
  tokenRefreshMarginSeconds?: number;
  backoffBaseSeconds?: number;
  backoffCapSeconds?: number;
  channelBudget?: number;
  historyMinutes?: number;
  historyMaxMB?: number;
  alertKeepAliveMinutes?: number;
}

/** secureJsonData: written by the config page, never read back. */
export interface GenesysSecureOptions {
  clientSecret?: string;
  staticToken?: string;
}

export const CUSTOM_REGION = 'custom';

/** Defaults the backend applies when a field is unset; shown as placeholders on the config page. */
export const DEFAULT_OPTIONS = {
  region: 'mypurecloud.com',
  authType: 'clientCredentials' as AuthType,
  tokenRefreshMarginSeconds: 60,
  backoffBaseSeconds: 1,
  backoffCapSeconds: 120,
  channelBudget: 3,
  historyMinutes: 60,
  historyMaxMB: 64,
  alertKeepAliveMinutes: 15,
};

/** Genesys Cloud regions by name (shared/genesys-notification-api.md "Hosts and regions"). */
export const REGIONS: Array<{ value: string; label: string }> = [
  { value: 'mypurecloud.com', label: 'Americas (US East) — mypurecloud.com' },
  { value: 'use2.us-gov-pure.cloud', label: 'Americas (US East 2, FedRAMP) — use2.us-gov-pure.cloud' },
  { value: 'usw2.pure.cloud', label: 'Americas (US West) — usw2.pure.cloud' },
  { value: 'cac1.pure.cloud', label: 'Americas (Canada) — cac1.pure.cloud' },
  { value: 'sae1.pure.cloud', label: 'Americas (São Paulo) — sae1.pure.cloud' },
  { value: 'mxc1.pure.cloud', label: 'Americas (Mexico) — mxc1.pure.cloud' },
  { value: 'mypurecloud.ie', label: 'EMEA (Dublin) — mypurecloud.ie' },
  { value: 'euw2.pure.cloud', label: 'EMEA (London) — euw2.pure.cloud' },
  { value: 'mypurecloud.de', label: 'EMEA (Frankfurt) — mypurecloud.de' },
  { value: 'euc2.pure.cloud', label: 'EMEA (Zurich) — euc2.pure.cloud' },
  { value: 'mec1.pure.cloud', label: 'EMEA (UAE) — mec1.pure.cloud' },
  { value: 'edee1.eusc-pure.cloud', label: 'EMEA (EU Sovereign Cloud) — edee1.eusc-pure.cloud' },
  { value: 'aps1.pure.cloud', label: 'Asia Pacific (Mumbai) — aps1.pure.cloud' },
  { value: 'apse1.pure.cloud', label: 'Asia Pacific (Singapore) — apse1.pure.cloud' },
  { value: 'apne2.pure.cloud', label: 'Asia Pacific (Seoul) — apne2.pure.cloud' },
  { value: 'mypurecloud.jp', label: 'Asia Pacific (Tokyo) — mypurecloud.jp' },
  { value: 'apne3.pure.cloud', label: 'Asia Pacific (Osaka) — apne3.pure.cloud' },
  { value: 'mypurecloud.com.au', label: 'Asia Pacific (Sydney) — mypurecloud.com.au' },
  { value: CUSTOM_REGION, label: 'Custom base URL (gateway, proxy, simulator)' },
];

export type TopicFamily = 'queues' | 'users' | 'conversations' | 'analytics' | 'other';

export const TOPIC_FAMILIES: Array<{ value: TopicFamily; label: string }> = [
  { value: 'queues', label: 'Queues' },
  { value: 'users', label: 'Users' },
  { value: 'conversations', label: 'Conversations' },
  { value: 'analytics', label: 'Analytics' },
  { value: 'other', label: 'Other' },
];

/** One entry of GET /topics. */
export interface TopicInfo {
  id: string;
  description?: string;
  family: TopicFamily;
  parameters?: string[];
  requiresPermissions?: string[];
  fields?: string[];
}

export interface TopicsResponse {
  topics: TopicInfo[];
}

/** One page of GET /queues or GET /users. */
export interface EntityPage {
  items: Array<{ id: string; name: string }>;
  page: number;
  pageCount: number;
  total: number;
}

export type EntityKind = 'queues' | 'users';

/**
 * Which entity list fills `{id}` for a topic: user topics take user ids; queue topics and
 * queue observation/analytics topics take queue ids.
 */
export function entityKindFor(topic: TopicInfo | undefined, topicId?: string): EntityKind {
  const id = (topic?.id ?? topicId ?? '').toLowerCase();
  if (topic?.family === 'users' || id.startsWith('v2.users.') || id.includes('.users.{id}')) {
    return 'users';
  }
  return 'queues';
}

/** Variable query: list queues, users or topics from the resources. */
export interface GenesysVariableQuery extends DataQuery {
  kind: EntityKind | 'topics';
  /** Name filter passed to /queues or /users. */
  query?: string;
}

/**
 * What the variable support and its editor need of the data source. They take it as this
 * interface so that variables.ts and VariableQueryEditor.tsx do not import datasource.ts,
 * which imports them.
 */
export interface VariableValuesSource extends DataSourceApi<GenesysQuery, GenesysOptions> {
  listVariableValues(
    query: GenesysVariableQuery | undefined,
    request?: Pick<DataQueryRequest, 'scopedVars'>
  ): Promise<Array<{ text: string; value: string }>>;
}
