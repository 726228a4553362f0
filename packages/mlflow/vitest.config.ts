import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Starts a real MLflow server (and one with basic-auth) and seeds it; see the file.
      globalSetup: ['test/global-setup.ts'],
    },
  }),
);
