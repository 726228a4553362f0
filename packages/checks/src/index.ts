export { builtinChecks, checksPlugin } from './checks-plugin.js';
export { dataDriftCheck } from './drift/data-drift-check.js';
export type { DriftOptions } from './drift/drift-options.js';
export { driftOptions } from './drift/drift-options.js';
export type { NumericDriftSettings, NumericDriftValues, Values } from './drift/numeric-drift.js';
export { numericDrift } from './drift/numeric-drift.js';
export type {
  Confusion,
  Disparities,
  FairnessOptions,
  FeatureFairness,
  GroupFairnessOptions,
  GroupFairnessResult,
  GroupRates,
  GroupResult,
  Interval,
  JudgedDisparities,
  JudgeOptions,
} from './fairness/index.js';
export {
  DISPARITY_NAMES,
  disparitiesOf,
  fairnessGroupCheck,
  fairnessOptions,
  groupDisparities,
  groupRates,
  INTERSECTION,
  measureGroupFairness,
  NULL_GROUP,
} from './fairness/index.js';
export { dataIntegrityCheck } from './integrity/data-integrity-check.js';
export type { IntegrityOptions } from './integrity/integrity-options.js';
export { integrityOptions } from './integrity/integrity-options.js';
export { dataPiiCheck } from './pii/data-pii-check.js';
export type { FindPiiOptions, PiiKind, PiiMatch } from './pii/find-pii.js';
export { findPii, PII_KINDS, SECRET_KINDS, shannonEntropy } from './pii/find-pii.js';
export type { PiiOptions } from './pii/pii-options.js';
export { piiOptions } from './pii/pii-options.js';
export type {
  ActivationClusteringOptions,
  ActivationClusteringResult,
  BackdoorOptions,
  ClassClusters,
  ClassSignature,
  ClusterAnalysis,
  FeatureMatrix,
  LabelIssueOptions,
  LabelIssues,
  LabelNoiseOptions,
  LayerActivationOptions,
  LayerActivations,
  OutlierMethod,
  OutlierOptions,
  OutlierResult,
  OutliersOptions,
  RateJump,
  ReadMatrixOptions,
  SpectralOptions,
  Trigger,
  TriggerOptions,
  TriggerSearch,
} from './poisoning/index.js';
export {
  activationClustering,
  backdoorCheck,
  backdoorOptions,
  findLabelIssues,
  findOutliers,
  findTriggers,
  labelNoiseCheck,
  labelNoiseOptions,
  layerActivations,
  OptionalDependencyError,
  outliersCheck,
  outliersOptions,
  readFeatureMatrix,
  spectralSignatures,
} from './poisoning/index.js';
export type { ChiSquareResult } from './stats/chi-square.js';
export { chiSquare } from './stats/chi-square.js';
export { jensenShannon } from './stats/jensen-shannon.js';
export type { KsMethod, KsResult } from './stats/ks-two-sample.js';
export { KS_EXACT_MAX_N, ksPValue, ksTwoSample } from './stats/ks-two-sample.js';
export type { PsiOptions } from './stats/psi.js';
export { psi } from './stats/psi.js';
export { normedWasserstein, populationStd, wasserstein } from './stats/wasserstein.js';
