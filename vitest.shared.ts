import { defineConfig } from 'vitest/config';

/** Shared by every package: tests run against sibling sources through the source condition. */
export default defineConfig({
  resolve: { conditions: ['@mlwarden/source'] },
  ssr: { resolve: { conditions: ['@mlwarden/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
