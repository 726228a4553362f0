import { defineConfig } from '@mlwarden/core';

export default defineConfig({
  plugins: ['./src/plugin.ts'],
  inputs: { run: './data/training-run.run.json' },
  checks: {
    'example.run-provenance': { options: { requiredTags: ['owner', 'git_commit'] } },
  },
  policy: { failOn: 'high' },
});
