export { NULL_GROUP } from './_category-coder.js';
export { fairnessGroupCheck } from './fairness-group-check.js';
export type { FairnessOptions } from './fairness-options.js';
export { fairnessOptions } from './fairness-options.js';
export type { Confusion, Disparities, GroupRates, JudgeOptions } from './group-disparities.js';
export {
  DISPARITY_NAMES,
  disparitiesOf,
  groupDisparities,
  groupRates,
} from './group-disparities.js';
export type {
  FeatureFairness,
  GroupFairnessOptions,
  GroupFairnessResult,
  GroupResult,
  Interval,
  JudgedDisparities,
} from './measure-group-fairness.js';
export { INTERSECTION, measureGroupFairness } from './measure-group-fairness.js';
