import { EntityKind, EntityPage, TopicInfo, TopicsResponse } from './types';

/** The part of the data source the editors need: GET on the backend's resource endpoints. */
export interface ResourceGetter {
  getResource<T = unknown>(path: string, params?: Record<string, string | number>): Promise<T>;
}

/** Loads GET /topics (only topics deliverable over the websocket, as the backend filters them). */
export async function fetchTopics(api: ResourceGetter): Promise<TopicInfo[]> {
  const rsp = await api.getResource<TopicsResponse>('topics');
  return Array.isArray(rsp?.topics) ? rsp.topics : [];
}

/** Loads one page of GET /queues or GET /users, filtered by name. */
export async function fetchEntities(
  api: ResourceGetter,
  kind: EntityKind,
  query = '',
  pageSize = 25
): Promise<EntityPage> {
  const rsp = await api.getResource<EntityPage>(kind, { query, page: 1, pageSize });
  return {
    items: Array.isArray(rsp?.items) ? rsp.items : [],
    page: rsp?.page ?? 1,
    pageCount: rsp?.pageCount ?? 1,
    total: rsp?.total ?? 0,
  };
}
