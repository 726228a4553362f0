import { definePlugin } from '@mlwarden/core';
import { membershipInferenceCheck } from './membership-inference-check.js';
import { modelExtractionCheck } from './model-extraction-check.js';
import { robustnessEvasionCheck } from './robustness-evasion-check.js';
import { VERSION } from './version.js';

/** The adversarial and privacy checks as one plugin. */
export const adversarialPlugin = definePlugin({
  name: '@mlwarden/adversarial',
  version: VERSION,
  checks: [robustnessEvasionCheck, membershipInferenceCheck, modelExtractionCheck],
});
