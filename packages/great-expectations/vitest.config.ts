import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Makes (once) the GX venvs that the fixture and export tests run.
      globalSetup: ['./test/global-setup.ts'],
      testTimeout: 240_000,
      hookTimeout: 900_000,
    },
  }),
);
