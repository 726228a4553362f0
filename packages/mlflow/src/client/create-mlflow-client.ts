import { createApi } from './_api.js';
import { createTransport } from './_transport.js';
import { type ArtifactsApi, artifactsApi } from './artifacts-api.js';
import { type ExperimentsApi, experimentsApi } from './experiments-api.js';
import { type LoggedModelsApi, loggedModelsApi } from './logged-models-api.js';
import { type MlflowClientOptions, resolveMlflowSettings } from './mlflow-settings.js';
import { type RegistryApi, registryApi } from './registry-api.js';
import { type RunsApi, runsApi } from './runs-api.js';

/** A typed client of the MLflow tracking server's REST API (MLflow 2.x and 3.x). */
export interface MlflowClient {
  /** Tracking URI without credentials. */
  readonly trackingUri: string;
  /** Literal credentials, for callers that redact their own messages. */
  readonly secrets: readonly string[];
  readonly experiments: ExperimentsApi;
  readonly runs: RunsApi;
  readonly artifacts: ArtifactsApi;
  /** MLflow 3 logged models. */
  readonly loggedModels: LoggedModelsApi;
  /** Registered models, versions, aliases and tags. */
  readonly registry: RegistryApi;
}

/**
 * Creates a client of an MLflow tracking server. Options default to MLflow's own environment
 * variables (`MLFLOW_TRACKING_URI`, `MLFLOW_TRACKING_USERNAME`/`PASSWORD`,
 * `MLFLOW_TRACKING_TOKEN`, `MLFLOW_HTTP_REQUEST_TIMEOUT`, `MLFLOW_HTTP_REQUEST_MAX_RETRIES`).
 * Idempotent calls are retried with backoff on network errors, timeouts, 429 and 5xx; errors
 * are MlflowErrors that never hold credentials.
 */
export function createMlflowClient(options: MlflowClientOptions = {}): MlflowClient {
  const settings = resolveMlflowSettings(options);
  const api = createApi(createTransport(settings, options.fetch ?? globalThis.fetch));
  const runs = runsApi(api);
  return {
    trackingUri: settings.trackingUri,
    secrets: settings.secrets,
    experiments: experimentsApi(api),
    runs,
    artifacts: artifactsApi(api, runs),
    loggedModels: loggedModelsApi(api),
    registry: registryApi(api),
  };
}
