import { definePlugin } from '@mlwarden/core';
import { seldonAdapter } from './seldon-adapter.js';
import { seldonEndpointCheck } from './seldon-endpoint-check.js';
import { seldonManifestCheck } from './seldon-manifest-check.js';
import { VERSION } from './version.js';

/** The Seldon plugin: the manifest audit, the live endpoint probes and the adapter for both. */
export const seldonPlugin = definePlugin({
  name: '@mlwarden/seldon',
  version: VERSION,
  checks: [seldonManifestCheck, seldonEndpointCheck],
  adapters: [seldonAdapter],
});
