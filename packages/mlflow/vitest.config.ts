import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Starts a real MLflow server (and one with basic-auth) and seeds it; then serves small
      // scikit-learn models with `mlflow models serve` for the scoring-target tests. See the files.
      globalSetup: ['test/global-setup.ts', 'test/scoring-setup.ts'],
    },
  }),
);
