import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Starts one real MLServer (and trains its model) for the integration tests.
      globalSetup: ['test/mlserver/global-setup.ts'],
    },
  }),
);
