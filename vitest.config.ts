import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['node_modules', 'dist', 'bench/peers'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Every restgate the tests start plays nodejs20.x unless a test names another runtime, whatever
    // Node runs the suite (restgate's default follows the Node major: nodejs24.x on Node 24).
    env: { RESTGATE_RUNTIME: 'nodejs20.x' },
    // In CI also write a JSON report, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results.json' },
  },
});
