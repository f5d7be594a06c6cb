import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

/**
 * A TemplateSrv for tests that knows the given variables and honours a format function the
 * way Grafana's does (it receives an array for a multi-value variable).
 */
export function fakeTemplateSrv(vars: Record<string, string | string[]>): TemplateSrv {
  return {
    replace: (target?: string, _s?: ScopedVars, format?: string | Function) =>
      (target ?? '').replace(/\$(\w+)/g, (m, name: string) => {
        const v = vars[name];
        if (v === undefined) {
          return m;
        }
        if (typeof format === 'function') {
          return format(v);
        }
        return Array.isArray(v) ? `{${v.join(',')}}` : v;
      }),
    getVariables: () => Object.keys(vars).map((name) => ({ name })),
    containsTemplate: (t?: string) => /\$\w+/.test(t ?? ''),
    updateTimeRange: () => {},
  } as unknown as TemplateSrv;
}
