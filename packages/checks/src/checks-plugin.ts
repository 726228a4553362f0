import { createRequire } from 'node:module';
import { definePlugin } from '@mlwarden/core';
import { dataDriftCheck } from './drift/data-drift-check.js';
import { fairnessGroupCheck } from './fairness/index.js';
import { dataIntegrityCheck } from './integrity/data-integrity-check.js';
import { dataPiiCheck } from './pii/data-pii-check.js';
import { backdoorCheck, labelNoiseCheck, outliersCheck } from './poisoning/index.js';

/** The built-in data checks, in the order they are usually read. */
export const builtinChecks = [
  dataIntegrityCheck,
  dataPiiCheck,
  dataDriftCheck,
  labelNoiseCheck,
  outliersCheck,
  backdoorCheck,
  fairnessGroupCheck,
] as const;

/** Plugin that registers the built-in checks. */
export const checksPlugin = definePlugin({
  name: '@mlwarden/checks',
  version: (createRequire(import.meta.url)('../package.json') as { version: string }).version,
  checks: builtinChecks,
});
