import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(shared, {
  test: {
    // Creates the ART virtual environment once, before any test waits on it.
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-tf.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
