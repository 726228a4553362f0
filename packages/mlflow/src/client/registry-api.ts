import type { Api, CallOptions, PageOptions } from './_api.js';
import { MlflowError } from './mlflow-error.js';
import type {
  MlflowModelVersion,
  MlflowPage,
  MlflowRegisteredModel,
  MlflowTag,
} from './mlflow-types.js';

type SearchOptions = PageOptions & { filter?: string; orderBy?: readonly string[] };

export interface RegistryApi {
  getRegisteredModel(name: string, options?: CallOptions): Promise<MlflowRegisteredModel>;
  createRegisteredModel(
    input: { name: string; description?: string; tags?: readonly MlflowTag[] } & CallOptions,
  ): Promise<MlflowRegisteredModel>;
  searchRegisteredModels(options?: SearchOptions): Promise<MlflowPage<MlflowRegisteredModel>>;
  setRegisteredModelTag(
    name: string,
    key: string,
    value: string,
    options?: CallOptions,
  ): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string, options?: CallOptions): Promise<void>;
  getModelVersion(
    name: string,
    version: string,
    options?: CallOptions,
  ): Promise<MlflowModelVersion>;
  createModelVersion(
    input: {
      name: string;
      source: string;
      runId?: string;
      description?: string;
      tags?: readonly MlflowTag[];
      modelId?: string;
    } & CallOptions,
  ): Promise<MlflowModelVersion>;
  searchModelVersions(options?: SearchOptions): Promise<MlflowPage<MlflowModelVersion>>;
  getModelVersionDownloadUri(name: string, version: string, options?: CallOptions): Promise<string>;
  setModelVersionTag(
    name: string,
    version: string,
    key: string,
    value: string,
    options?: CallOptions,
  ): Promise<void>;
  deleteModelVersionTag(
    name: string,
    version: string,
    key: string,
    options?: CallOptions,
  ): Promise<void>;
  /** The version an alias points at; MLW_MLFLOW_NOT_FOUND when the model or alias is unknown. */
  getModelVersionByAlias(
    name: string,
    alias: string,
    options?: CallOptions,
  ): Promise<MlflowModelVersion>;
  setAlias(name: string, alias: string, version: string, options?: CallOptions): Promise<void>;
  deleteAlias(name: string, alias: string, options?: CallOptions): Promise<void>;
}

/** The server answers an unknown alias with 400 INVALID_PARAMETER_VALUE "… alias X not found". */
function aliasNotFound(error: unknown, name: string, alias: string): unknown {
  if (!MlflowError.is(error) || error.status !== 400 || !/alias .* not found/i.test(error.message))
    return error;
  return new MlflowError(
    'MLW_MLFLOW_NOT_FOUND',
    `registered model "${name}" has no alias "${alias}"`,
    {
      status: 400,
      ...(error.errorCode !== undefined && { errorCode: error.errorCode }),
      ...(error.endpoint !== undefined && { endpoint: error.endpoint }),
      attempts: error.attempts,
      cause: error,
      hint: "list the model's aliases with registry.getRegisteredModel(name)",
    },
  );
}

export function registryApi(api: Api): RegistryApi {
  const search = (path: string, field: string, o: SearchOptions, defaultMax: number) =>
    api.page(
      api.get(
        path,
        {
          filter: o.filter,
          max_results: o.maxResults ?? defaultMax,
          order_by: o.orderBy,
          page_token: o.pageToken,
        },
        o.signal,
      ),
      field,
    );
  return {
    getRegisteredModel: (name, o = {}) =>
      api.pick(
        api.get('/registered-models/get', { name }, o.signal),
        'registered_model',
        'GET /registered-models/get',
      ),
    createRegisteredModel: (input) =>
      api.pick(
        api.post(
          '/registered-models/create',
          { name: input.name, description: input.description, tags: input.tags },
          false,
          input.signal,
        ),
        'registered_model',
        'POST /registered-models/create',
      ),
    searchRegisteredModels: (o = {}) =>
      search('/registered-models/search', 'registered_models', o, 100) as Promise<
        MlflowPage<MlflowRegisteredModel>
      >,
    async setRegisteredModelTag(name, key, value, o = {}) {
      await api.post('/registered-models/set-tag', { name, key, value }, true, o.signal);
    },
    async deleteRegisteredModelTag(name, key, o = {}) {
      await api.del('/registered-models/delete-tag', { name, key }, o.signal);
    },
    getModelVersion: (name, version, o = {}) =>
      api.pick(
        api.get('/model-versions/get', { name, version }, o.signal),
        'model_version',
        'GET /model-versions/get',
      ),
    createModelVersion: (input) =>
      api.pick(
        api.post(
          '/model-versions/create',
          {
            name: input.name,
            source: input.source,
            run_id: input.runId,
            description: input.description,
            tags: input.tags,
            model_id: input.modelId,
          },
          false,
          input.signal,
        ),
        'model_version',
        'POST /model-versions/create',
      ),
    searchModelVersions: (o = {}) =>
      search('/model-versions/search', 'model_versions', o, 1000) as Promise<
        MlflowPage<MlflowModelVersion>
      >,
    getModelVersionDownloadUri: (name, version, o = {}) =>
      api.pick(
        api.get('/model-versions/get-download-uri', { name, version }, o.signal),
        'artifact_uri',
        'GET /model-versions/get-download-uri',
      ),
    async setModelVersionTag(name, version, key, value, o = {}) {
      await api.post('/model-versions/set-tag', { name, version, key, value }, true, o.signal);
    },
    async deleteModelVersionTag(name, version, key, o = {}) {
      await api.del('/model-versions/delete-tag', { name, version, key }, o.signal);
    },
    async getModelVersionByAlias(name, alias, o = {}) {
      try {
        return await api.pick<MlflowModelVersion>(
          api.get('/registered-models/alias', { name, alias }, o.signal),
          'model_version',
          'GET /registered-models/alias',
        );
      } catch (error) {
        throw aliasNotFound(error, name, alias);
      }
    },
    async setAlias(name, alias, version, o = {}) {
      await api.post('/registered-models/alias', { name, alias, version }, true, o.signal);
    },
    async deleteAlias(name, alias, o = {}) {
      await api.del('/registered-models/alias', { name, alias }, o.signal);
    },
  };
}
