import type { Api, CallOptions, PageOptions } from './_api.js';
import type { MlflowLoggedModel, MlflowPage, MlflowTag } from './mlflow-types.js';

export interface LoggedModelsApi {
  get(modelId: string, options?: CallOptions): Promise<MlflowLoggedModel>;
  /** At most 50 per page (the server's limit). */
  search(
    options: PageOptions & {
      experimentIds: readonly string[];
      filter?: string;
      orderBy?: readonly { field_name: string; ascending?: boolean }[];
    },
  ): Promise<MlflowPage<MlflowLoggedModel>>;
  setTags(modelId: string, tags: readonly MlflowTag[], options?: CallOptions): Promise<void>;
}

export function loggedModelsApi(api: Api): LoggedModelsApi {
  return {
    get: (modelId, o = {}) =>
      api.pick(
        api.get(`/logged-models/${encodeURIComponent(modelId)}`, {}, o.signal),
        'model',
        'GET /logged-models/{id}',
      ),
    search: (o) =>
      api.page(
        api.post(
          '/logged-models/search',
          {
            experiment_ids: o.experimentIds,
            filter: o.filter,
            order_by: o.orderBy,
            max_results: o.maxResults ?? 50,
            page_token: o.pageToken,
          },
          true,
          o.signal,
        ),
        'models',
      ),
    async setTags(modelId, tags, o = {}) {
      await api.patch(`/logged-models/${encodeURIComponent(modelId)}/tags`, { tags }, o.signal);
    },
  };
}
