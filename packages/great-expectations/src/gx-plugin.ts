import { createRequire } from 'node:module';
import { definePlugin } from '@mlwarden/core';
import { gxAdapter } from './gx-adapter.js';
import { gxValidationCheck } from './gx-validation-check.js';

/** Version of @mlwarden/great-expectations, read from its package.json. */
export const GX_PLUGIN_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;

/** The `gx.validation` check and the adapter that reads GX output as `validationResults`. */
export const gxPlugin = definePlugin({
  name: '@mlwarden/great-expectations',
  version: GX_PLUGIN_VERSION,
  checks: [gxValidationCheck],
  adapters: [gxAdapter],
});
