import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file starts its own sandbox on port 0; two workers match the machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
