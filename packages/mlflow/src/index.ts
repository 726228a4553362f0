export type { MlflowAdapterOptions } from './adapter/create-mlflow-adapter.js';
export { createMlflowAdapter } from './adapter/create-mlflow-adapter.js';
export type { LocalArtifactSet } from './adapter/local-artifact-set.js';
export { localArtifactSet } from './adapter/local-artifact-set.js';
export type { MlflowInputContext } from './adapter/mlflow-context.js';
export { mlflowContextOf } from './adapter/mlflow-context.js';
export type {
  ResolvedMlflowInputs,
  ResolveMlflowUriOptions,
} from './adapter/resolve-mlflow-uri.js';
export { resolveMlflowUri } from './adapter/resolve-mlflow-uri.js';
export { resolveRunDataset } from './adapter/resolve-run-dataset.js';
export { toRunInfo } from './adapter/to-run-info.js';
export { mlflowModelCheck } from './checks/mlflow-model-check.js';
export { mlflowProvenanceCheck } from './checks/mlflow-provenance-check.js';
export { mlflowRegistryCheck, VERDICT_TAG } from './checks/mlflow-registry-check.js';
export { mlflowSecretsCheck } from './checks/mlflow-secrets-check.js';
export type { ArtifactLocation } from './client/artifact-location.js';
export {
  formatArtifactLocation,
  isLoggedModelId,
  parseArtifactUri,
} from './client/artifact-location.js';
export type { ArtifactsApi } from './client/artifacts-api.js';
export type { MlflowClient } from './client/create-mlflow-client.js';
export { createMlflowClient } from './client/create-mlflow-client.js';
export type {
  DownloadedArtifacts,
  DownloadLimits,
  DownloadOptions,
} from './client/download-artifacts.js';
export { DEFAULT_DOWNLOAD_LIMITS } from './client/download-artifacts.js';
export type { ExperimentsApi, ViewType } from './client/experiments-api.js';
export type { LoggedModelsApi } from './client/logged-models-api.js';
export type { MlflowErrorCode, MlflowErrorOptions } from './client/mlflow-error.js';
export { MlflowError } from './client/mlflow-error.js';
export type { MlflowAuth, MlflowClientOptions, MlflowSettings } from './client/mlflow-settings.js';
export { resolveMlflowSettings } from './client/mlflow-settings.js';
export type {
  CallOptions,
  MlflowDataset,
  MlflowDatasetInput,
  MlflowExperiment,
  MlflowFileInfo,
  MlflowLoggedModel,
  MlflowMetric,
  MlflowModelVersion,
  MlflowPage,
  MlflowParam,
  MlflowRegisteredModel,
  MlflowRun,
  MlflowRunInfo,
  MlflowRunStatus,
  MlflowTag,
  PageOptions,
} from './client/mlflow-types.js';
export { toRecord } from './client/mlflow-types.js';
export type { LogBatch, LogBatchLimits } from './client/plan-log-batches.js';
export {
  LOG_BATCH_LIMITS,
  minimumLogBatchCalls,
  planLogBatches,
} from './client/plan-log-batches.js';
export type { RegistryApi } from './client/registry-api.js';
export type { LogBatchInput, RunsApi, SearchRunsOptions } from './client/runs-api.js';
export { safeArtifactPath } from './client/safe-artifact-path.js';
export type { GateModelVersionOptions, GateModelVersionResult } from './gate-model-version.js';
export { assertValidAlias, gateModelVersion } from './gate-model-version.js';
export type { LogReportOptions, LogReportResult, ReportFormat } from './log-report-to-mlflow.js';
export { logReportToMlflow, MLWARDEN_TAGS } from './log-report-to-mlflow.js';
export { createMlflowPlugin, mlflowChecks, mlflowPlugin } from './mlflow-plugin.js';
export type { MlflowUri } from './mlflow-uri.js';
export { isMlflowUri, parseMlflowUri } from './mlflow-uri.js';
export type {
  MlflowScoringOptions,
  MlflowScoringTarget,
  ScoringStats,
} from './scoring/create-mlflow-scoring-target.js';
export { createMlflowScoringTarget } from './scoring/create-mlflow-scoring-target.js';
export type { OpenMlflowScoringOptions } from './scoring/mlflow-scoring-uri.js';
export {
  isMlflowScoringUri,
  MLFLOW_SCORING_ENV,
  MLFLOW_SCORING_URI_PARAMS,
  openMlflowScoringTarget,
  parseMlflowScoringUri,
} from './scoring/mlflow-scoring-uri.js';
