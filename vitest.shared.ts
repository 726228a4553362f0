import { defineConfig } from 'vitest/config';

/** Shared by every package: tests run against sibling sources through the source condition. */
export default defineConfig({
  resolve: { conditions: ['@mlwarden/source'] },
  ssr: { resolve: { conditions: ['@mlwarden/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Generous: these guard against hangs, not speed; a busy 2-core CI machine runs several
    // packages' suites (and their servers) at once. No test asserts on time.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
