import { createRequire } from 'node:module';
import { definePlugin } from '@mlwarden/core';
import { dataDriftCheck } from './drift/data-drift-check.js';
import { dataIntegrityCheck } from './integrity/data-integrity-check.js';
import { dataPiiCheck } from './pii/data-pii-check.js';

/** The built-in data checks, in the order they are usually read. */
export const builtinChecks = [dataIntegrityCheck, dataPiiCheck, dataDriftCheck] as const;

/** Plugin that registers the built-in checks. */
export const checksPlugin = definePlugin({
  name: '@mlwarden/checks',
  version: (createRequire(import.meta.url)('../package.json') as { version: string }).version,
  checks: builtinChecks,
});
