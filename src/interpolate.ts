import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

import { GenesysQuery } from './types';

// A separator no entity id or topic contains, so multi-value variables can be split again.
const SEP = '\u001f';

function joinValues(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(SEP) : String(value ?? '');
}

/**
 * Replaces template variables in ids, topic and fields. A multi-value variable used as an id
 * (`$queue` with three queues selected) becomes three ids; duplicates and empties are dropped.
 */
export function interpolateQuery(query: GenesysQuery, templateSrv: TemplateSrv, scopedVars: ScopedVars): GenesysQuery {
  const expand = (values?: string[]) => {
    const out: string[] = [];
    for (const v of values ?? []) {
      for (const part of templateSrv.replace(v, scopedVars, joinValues).split(SEP)) {
        const id = part.trim();
        if (id && !out.includes(id)) {
          out.push(id);
        }
      }
    }
    return out;
  };
  return {
    ...query,
    topic: query.topic ? templateSrv.replace(query.topic, scopedVars) : query.topic,
    ids: expand(query.ids),
    fields: expand(query.fields),
  };
}
