import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // A real MLflow server, seeded with clean and tampered models, for `mlflow check|gate`.
      globalSetup: ['../mlflow/test/global-setup.ts'],
    },
  }),
);
