import { CustomVariableSupport, DataQueryRequest, DataQueryResponse, FieldType, createDataFrame } from '@grafana/data';
import { Observable, from, map } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import { ResourceGetter, fetchEntities, fetchTopics } from './resources';
import { GenesysVariableQuery, VariableValuesSource } from './types';

/** Query variables listing queues, users or topics from the backend's resources. */
export class GenesysVariableSupport extends CustomVariableSupport<VariableValuesSource, GenesysVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly ds: VariableValuesSource) {
    super();
  }

  query(request: DataQueryRequest<GenesysVariableQuery>): Observable<DataQueryResponse> {
    const target = request.targets[0];
    return from(this.ds.listVariableValues(target, request)).pipe(
      map((values) => ({
        data: [
          createDataFrame({
            fields: [
              { name: 'text', type: FieldType.string, values: values.map((v) => v.text) },
              { name: 'value', type: FieldType.string, values: values.map((v) => v.value) },
            ],
          }),
        ],
      }))
    );
  }
}

export async function loadVariableValues(
  ds: ResourceGetter,
  q: GenesysVariableQuery | undefined,
  filter: string
): Promise<Array<{ text: string; value: string }>> {
  if (!q?.kind) {
    return [];
  }
  if (q.kind === 'topics') {
    const topics = await fetchTopics(ds);
    return topics.map((t) => ({ text: t.id, value: t.id }));
  }
  const page = await fetchEntities(ds, q.kind, filter, 100);
  return page.items.map((it) => ({ text: it.name, value: it.id }));
}
