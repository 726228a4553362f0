export type {
  Category,
  Check,
  CheckContext,
  CheckInputs,
  CheckMeta,
  Json,
  RuleMeta,
} from './check.js';
export { CATEGORIES, defineCheck } from './check.js';
export type { CheckConfig, MlwardenConfig, OutputConfig } from './config.js';
export { checkSettingsFrom, checksOf, defineConfig, validateConfig } from './config.js';
// Data layer (Arrow): sources, mergeable column profiles, sketches.
export type {
  DataLike,
  DataTypeLike,
  RecordBatchLike,
  SchemaLike,
  TableLike,
} from './data/_arrow-shape.js';
export { isArrowRecordBatch, isArrowTable } from './data/_arrow-shape.js';
export type { ArrowIpcDatasetOptions } from './data/arrow-ipc-dataset.js';
export { openArrowIpcDataset } from './data/arrow-ipc-dataset.js';
export type {
  ColumnKind,
  ColumnProfileJSON,
  Histogram,
  SketchOptions,
} from './data/column-profile.js';
export {
  COLUMN_PROFILE_SCHEMA,
  ColumnProfile,
  mergeProfiles,
  profileFromJSON,
} from './data/column-profile.js';
export type {
  ColumnSummary,
  DataContract,
  DataContractColumn,
  DataContractInput,
  DataContractType,
  InferOptions,
} from './data/data-contract.js';
export {
  boundValue,
  DATA_CONTRACT_SCHEMA,
  DATA_CONTRACT_TYPES,
  dataContractSchema,
  inferDataContract,
  parseDataContract,
  validateDataContract,
} from './data/data-contract.js';
export { datasetFile } from './data/dataset-file.js';
export type { RecordsDatasetOptions } from './data/dataset-from-records.js';
export { datasetFromRecords } from './data/dataset-from-records.js';
export { datasetFromTable } from './data/dataset-from-table.js';
export type { ArrowDataset, DatasetFormat, DatasetNote } from './data/dataset-notes.js';
export { datasetNotes } from './data/dataset-notes.js';
export type { DatasetProfileJSON } from './data/dataset-profile.js';
export {
  DATASET_PROFILE_SCHEMA,
  DatasetProfile,
  datasetProfileFromJSON,
  mergeDatasetProfiles,
} from './data/dataset-profile.js';
export type { FrequentItem, FrequentItemsJSON, ItemKey } from './data/frequent-items.js';
export { FrequentItems } from './data/frequent-items.js';
export type { HyperLogLogJSON } from './data/hyper-log-log.js';
export { HyperLogLog } from './data/hyper-log-log.js';
export type { KllSketchJSON } from './data/kll-sketch.js';
export { KllSketch, kllRankError } from './data/kll-sketch.js';
export type { MomentsJSON } from './data/moments.js';
export { Moments } from './data/moments.js';
export type { FileFormat, OpenDatasetOptions } from './data/open-dataset.js';
export { detectFormat, openDataset } from './data/open-dataset.js';
export type { ParquetDatasetOptions } from './data/parquet-dataset.js';
export { openParquetDataset } from './data/parquet-dataset.js';
export type { ProfileDatasetOptions, ProfileProgress } from './data/profile-dataset.js';
export { profileDataset } from './data/profile-dataset.js';
export type { TextDatasetOptions } from './data/text-dataset.js';
export { openCsvDataset, openNdjsonDataset } from './data/text-dataset.js';
export { transientBatches } from './data/transient-batches.js';
export { ConfigError } from './errors/config-error.js';
export { InputError } from './errors/input-error.js';
export type { ErrorCode, MlwardenErrorOptions } from './errors/mlwarden-error.js';
export { MlwardenError } from './errors/mlwarden-error.js';
export type { OptionalDependencyErrorOptions } from './errors/optional-dependency-error.js';
export { isMissingModule, OptionalDependencyError } from './errors/optional-dependency-error.js';
export { UsageError } from './errors/usage-error.js';
export type { Finding, FindingInput, Location, Suppression } from './finding.js';
export { fingerprint } from './fingerprint.js';
export type {
  ArtifactFile,
  ArtifactSet,
  Dataset,
  FeatureSpec,
  InputKind,
  Inputs,
  Manifest,
  ModelTarget,
  RunInfo,
  ValidationResults,
} from './inputs.js';
export { INPUT_KINDS, isInputKind } from './inputs.js';
export type { Logger, LoggerOptions, LogLevel } from './logger.js';
export { createLogger, silentLogger } from './logger.js';
export type {
  ReadTfjsModelOptions,
  TfjsModelFiles,
  TfjsWeightSpec,
} from './models/read-tfjs-model.js';
export { readTfjsModel } from './models/read-tfjs-model.js';
export type { Adapter, Plugin } from './plugin.js';
export { definePlugin, pluginProblems } from './plugin.js';
export type { Baseline, Policy, SuppressionRule } from './policy.js';
export {
  applyPolicy,
  BASELINE_SCHEMA,
  createBaseline,
  parseBaseline,
  validateSuppression,
} from './policy.js';
export type {
  ProgressRenderer,
  ProgressRendererOptions,
  ProgressStream,
} from './progress/progress-renderer.js';
export { createProgressRenderer } from './progress/progress-renderer.js';
export { redact, redactDeep } from './redact.js';
export type { CheckResult, CheckStatus, Report, ReportSummary, Verdict } from './report.js';
export { REPORT_SCHEMA } from './report.js';
export type { BuiltinReporterName } from './reporters/builtin-reporters.js';
export { builtinReporters } from './reporters/builtin-reporters.js';
export { checkInfo } from './reporters/check-info.js';
export { consoleReporter } from './reporters/console-reporter.js';
export { htmlReporter } from './reporters/html-reporter.js';
export { jsonReporter } from './reporters/json-reporter.js';
export { junitReporter } from './reporters/junit-reporter.js';
export { escapeMarkdown, markdownReporter } from './reporters/markdown-reporter.js';
export type { CheckInfo, Reporter, ReporterOptions, ReporterOutput } from './reporters/reporter.js';
export { renderReport } from './reporters/reporter.js';
export {
  SARIF_FINGERPRINT_KEY,
  SARIF_NO_LOCATION_URI,
  SARIF_SCHEMA_URI,
  SARIF_SEVERITY,
  sarifReporter,
} from './reporters/sarif-reporter.js';
export type { CheckSettings, ProgressEvent, RunChecksOptions, RunHooks } from './run-checks.js';
export { DEFAULT_TIMEOUT_MS, planChecks, runChecks } from './run-checks.js';
export type { FailOn, Severity } from './severity.js';
export { isSeverity, meetsThreshold, SEVERITIES, severityRank } from './severity.js';
export type { Taxonomy, TaxonomyEntry } from './taxonomy.js';
export { describeTaxonomyId, mergeTaxonomy, taxonomyProblems } from './taxonomy.js';
export { VERSION } from './version.js';
export type { WorkerEntry } from './workers/worker-entry.js';
export { workerEntry } from './workers/worker-entry.js';
export type { WorkerErrorMessage } from './workers/worker-error.js';
export { errorFromWorker, workerErrorMessage } from './workers/worker-error.js';
