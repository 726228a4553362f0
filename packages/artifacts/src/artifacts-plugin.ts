import { definePlugin } from '@mlwarden/core';
import { artifactScanCheck } from './artifact-scan-check.js';
import { VERSION } from './version.js';

/** The `@mlwarden/artifacts` plugin: the `artifact.scan` check. */
export const artifactsPlugin = definePlugin({
  name: '@mlwarden/artifacts',
  version: VERSION,
  checks: [artifactScanCheck],
});
