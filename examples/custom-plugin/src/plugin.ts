import { definePlugin } from '@mlwarden/core';
import { runFileAdapter } from './run-file-adapter.js';
import { runProvenanceCheck } from './run-provenance-check.js';

export default definePlugin({
  name: 'example-run-provenance',
  version: '0.0.0',
  checks: [runProvenanceCheck],
  adapters: [runFileAdapter],
});
