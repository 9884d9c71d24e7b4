import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node loads graphql's CommonJS build for every dependency (yoga, Pothos), but Vite would give
  // our own sources its ESM build through the "module" field: two graphql instances, so
  // `instanceof GraphQLError` fails and every client error is masked. One instance for all.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    // Starts a throwaway PostgreSQL cluster when the server binaries are installed (see the file).
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Heap assertions (test/realtime/memory.test.ts) need a full collection on demand.
    execArgv: ['--expose-gc'],
    fileParallelism: true,
    maxWorkers: 2,
  },
});
