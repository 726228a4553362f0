import type { Api, CallOptions, PageOptions } from './_api.js';
import type { MlflowExperiment, MlflowPage, MlflowTag } from './mlflow-types.js';

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface ExperimentsApi {
  get(experimentId: string, options?: CallOptions): Promise<MlflowExperiment>;
  getByName(name: string, options?: CallOptions): Promise<MlflowExperiment>;
  /** Returns the new experiment's id. */
  create(
    input: { name: string; artifactLocation?: string; tags?: readonly MlflowTag[] } & CallOptions,
  ): Promise<string>;
  search(
    options?: PageOptions & { filter?: string; orderBy?: readonly string[]; viewType?: ViewType },
  ): Promise<MlflowPage<MlflowExperiment>>;
  setTag(experimentId: string, key: string, value: string, options?: CallOptions): Promise<void>;
}

export function experimentsApi(api: Api): ExperimentsApi {
  return {
    get: (experimentId, o = {}) =>
      api.pick(
        api.get('/experiments/get', { experiment_id: experimentId }, o.signal),
        'experiment',
        'GET /experiments/get',
      ),
    getByName: (name, o = {}) =>
      api.pick(
        api.get('/experiments/get-by-name', { experiment_name: name }, o.signal),
        'experiment',
        'GET /experiments/get-by-name',
      ),
    create: (input) =>
      api.pick(
        api.post(
          '/experiments/create',
          { name: input.name, artifact_location: input.artifactLocation, tags: input.tags },
          false,
          input.signal,
        ),
        'experiment_id',
        'POST /experiments/create',
      ),
    search: (o = {}) =>
      api.page(
        api.post(
          '/experiments/search',
          {
            max_results: o.maxResults ?? 1000,
            filter: o.filter,
            order_by: o.orderBy,
            view_type: o.viewType,
            page_token: o.pageToken,
          },
          true,
          o.signal,
        ),
        'experiments',
      ),
    async setTag(experimentId, key, value, o = {}) {
      await api.post(
        '/experiments/set-experiment-tag',
        { experiment_id: experimentId, key, value },
        true,
        o.signal,
      );
    },
  };
}
