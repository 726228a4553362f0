/** Moved to `@mlwarden/core`; re-exported here for code that imports it from `@mlwarden/checks`. */
export { OptionalDependencyError } from '@mlwarden/core';
export type { FeatureMatrix, ReadMatrixOptions } from './_feature-matrix.js';
export { readFeatureMatrix } from './_feature-matrix.js';
export type {
  ActivationClusteringOptions,
  ActivationClusteringResult,
  ClassClusters,
  ClusterAnalysis,
} from './activation-clustering.js';
export { activationClustering } from './activation-clustering.js';
export { backdoorCheck } from './backdoor-check.js';
export type { BackdoorOptions } from './backdoor-options.js';
export { backdoorOptions } from './backdoor-options.js';
export type { LabelIssueOptions, LabelIssues } from './find-label-issues.js';
export { findLabelIssues } from './find-label-issues.js';
export type { OutlierMethod, OutlierOptions, OutlierResult, RateJump } from './find-outliers.js';
export { findOutliers } from './find-outliers.js';
export type { Trigger, TriggerOptions, TriggerSearch } from './find-triggers.js';
export { findTriggers } from './find-triggers.js';
export { labelNoiseCheck } from './label-noise-check.js';
export type { LabelNoiseOptions } from './label-noise-options.js';
export { labelNoiseOptions } from './label-noise-options.js';
export type { LayerActivationOptions, LayerActivations } from './layer-activations.js';
export { layerActivations } from './layer-activations.js';
export { outliersCheck } from './outliers-check.js';
export type { OutliersOptions } from './outliers-options.js';
export { outliersOptions } from './outliers-options.js';
export type { ClassSignature, SpectralOptions } from './spectral-signatures.js';
export { spectralSignatures } from './spectral-signatures.js';
