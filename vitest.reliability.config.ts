import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// npm run test:reliability — the reliability suite (tests/reliability), not part of `npm test`: real web and
// worker processes on PostgreSQL killed at fault points, and the other scenarios of reliability.md §6.2 that
// take minutes. PostgreSQL only (TEST_DATABASE_URL, default the local server); the web process needs a
// production build (`npm run build`; globalSetup builds one when .next has none).
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['tests/reliability/**/*.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One file at a time: each starts its own processes on a 2-core machine.
    fileParallelism: false,
    globalSetup: ['tests/reliability/global-setup.ts'],
    env: {
      TEST_DB: 'postgres',
      TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
