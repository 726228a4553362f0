import { definePlugin } from '@mlwarden/core';
import { artifactIntegrityCheck } from './artifact-integrity-check.js';
import { artifactScanCheck } from './artifact-scan-check.js';
import { VERSION } from './version.js';

/** The `@mlwarden/artifacts` plugin: the `artifact.scan` and `artifact.integrity` checks. */
export const artifactsPlugin = definePlugin({
  name: '@mlwarden/artifacts',
  version: VERSION,
  checks: [artifactScanCheck, artifactIntegrityCheck],
});
