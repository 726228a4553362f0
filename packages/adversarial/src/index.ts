export type {
  AttackOutcome,
  AttackRunOptions,
  AttackStop,
  LabelledRows,
} from './_evasion-common.js';
export type { Norm } from './_projector.js';
export { adversarialPlugin } from './adversarial-plugin.js';
export type { FunctionPrediction, FunctionTargetOptions } from './function-target.js';
export { createFunctionTarget } from './function-target.js';
export type { HopSkipJumpOptions, HopSkipJumpOutcome } from './hop-skip-jump.js';
export { hopSkipJump } from './hop-skip-jump.js';
export type {
  MembershipAttack,
  MembershipAttackResult,
  MembershipOptions,
  MembershipResult,
} from './membership-inference.js';
export { MEMBERSHIP_ATTACKS, membershipInference } from './membership-inference.js';
export type { MembershipInferenceOptions } from './membership-inference-check.js';
export {
  membershipInferenceCheck,
  membershipInferenceOptions,
} from './membership-inference-check.js';
export { MissingGradientError } from './missing-gradient-error.js';
export type {
  ExtractionOptions,
  ExtractionPoint,
  ExtractionResult,
  ExtractionStrategy,
  SurrogateOptions,
} from './model-extraction.js';
export { EXTRACTION_STRATEGIES, modelExtraction } from './model-extraction.js';
export type { ModelExtractionOptions } from './model-extraction-check.js';
export { modelExtractionCheck, modelExtractionOptions } from './model-extraction-check.js';
export type {
  OnnxModelTarget,
  OnnxModelTargetOptions,
  OnnxRuntimeName,
} from './onnx-model-target.js';
export { createOnnxModelTarget } from './onnx-model-target.js';
export type { PgdOptions } from './pgd.js';
export { fgsm, pgd } from './pgd.js';
export { QueryBudgetError } from './query-budget-error.js';
export type { LimitedTarget, QueryCounts, QueryLimits } from './query-limiter.js';
export { limitQueries } from './query-limiter.js';
export type { LabelledData, ReadLabelledRowsOptions } from './read-labelled-rows.js';
export { readLabelledRows } from './read-labelled-rows.js';
export type { RobustnessEvasionOptions } from './robustness-evasion-check.js';
export { robustnessEvasionCheck, robustnessEvasionOptions } from './robustness-evasion-check.js';
export type { RocIntervals, RocSummary } from './roc.js';
export { rocIntervals, rocSummary } from './roc.js';
export type { EvasionAttack, EvasionOptions, EvasionPoint, EvasionResult } from './run-evasion.js';
export { EVASION_ATTACKS, runEvasion } from './run-evasion.js';
export type { SquareAttackOptions } from './square-attack.js';
export { squareAttack } from './square-attack.js';
export type { NamedTabularConstraints, TabularConstraints } from './tabular-constraints.js';
export { resolveConstraints } from './tabular-constraints.js';
export type { TfBackendInfo, TfBackendName } from './tf-backend.js';
export { initTfBackend } from './tf-backend.js';
export type { TfModelTarget, TfModelTargetOptions } from './tf-model-target.js';
export { createTfModelTarget } from './tf-model-target.js';
export { VERSION } from './version.js';
