import { CoreApp, DataQueryRequest, DataSourceInstanceSettings, MetricFindValue, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, StreamingFrameAction, getTemplateSrv } from '@grafana/runtime';

import { interpolateQuery } from './interpolate';
import { DEFAULT_QUERY, GenesysOptions, GenesysQuery, GenesysVariableQuery, topicNeedsIds } from './types';
import { GenesysVariableSupport, loadVariableValues } from './variables';

/**
 * The data source. query() is DataSourceWithBackend's: queries go to the plugin backend (the
 * same path alerting uses) and frames carrying meta.channel are turned into live streams that
 * append to the history the backend returned — or, for `latest` queries, replace the topic's
 * one row with each update.
 */
export class DataSource extends DataSourceWithBackend<GenesysQuery, GenesysOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<GenesysOptions>) {
    super(instanceSettings);
    this.variables = new GenesysVariableSupport(this);
    // Grafana's default streams append every packet (up to maxDataPoints rows). A `latest`
    // frame is one row per topic: appending would grow it by a row per update (a count of
    // agents by status would count every update), so those streams replace the row.
    const standard = this.streamOptionsProvider;
    this.streamOptionsProvider = (request, frame) => {
      const opts = standard(request, frame);
      const query = request.targets.find((t) => t.refId === frame.refId);
      return isLatest(query) ? { ...opts, action: StreamingFrameAction.Replace } : opts;
    };
  }

  /** Alert rules evaluate one value per series, so the alert-rule editor starts with `latest`. */
  getDefaultQuery(app: CoreApp): Partial<GenesysQuery> {
    return app === CoreApp.UnifiedAlerting ? { ...DEFAULT_QUERY, format: 'latest' } : DEFAULT_QUERY;
  }

  /** Skips queries the backend would reject: no topic, or a `{id}` template without ids. */
  filterQuery(query: GenesysQuery): boolean {
    if (query.hide) {
      return false;
    }
    if (query.queryType === 'status') {
      return true;
    }
    if (!query.topic?.trim()) {
      return false;
    }
    return !topicNeedsIds(query.topic) || (query.ids ?? []).some((id) => id.trim() !== '');
  }

  applyTemplateVariables(query: GenesysQuery, scopedVars: ScopedVars): GenesysQuery {
    return interpolateQuery(query, getTemplateSrv(), scopedVars);
  }

  /** Values for a variable query (also used by the legacy metricFindQuery path). */
  listVariableValues(
    query: GenesysVariableQuery | undefined,
    request?: Pick<DataQueryRequest, 'scopedVars'>
  ): Promise<Array<{ text: string; value: string }>> {
    const filter = query?.query ? getTemplateSrv().replace(query.query, request?.scopedVars) : '';
    return loadVariableValues(this, query, filter);
  }

  async metricFindQuery(query: GenesysVariableQuery): Promise<MetricFindValue[]> {
    return this.listVariableValues(query);
  }
}

/** A topic query asking for one row per topic with its last value. */
function isLatest(query: GenesysQuery | undefined): boolean {
  return !!query && query.queryType !== 'status' && query.format === 'latest';
}
