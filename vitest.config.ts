import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Starts a throwaway PostgreSQL cluster when the server binaries are installed (see the file).
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
