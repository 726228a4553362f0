import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // A real MLflow server on 127.0.0.1 with a sqlite store (see that file).
      globalSetup: ['../../packages/mlflow/test/global-setup.ts'],
      testTimeout: 180_000,
    },
  }),
);
