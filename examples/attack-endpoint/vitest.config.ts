import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Real MLServer on 127.0.0.1 serving a scikit-learn iris classifier (see that file).
      globalSetup: ['../../packages/seldon/test/mlserver/global-setup.ts'],
    },
  }),
);
