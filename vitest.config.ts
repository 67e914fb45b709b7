import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests live next to the code (*.test.ts); integration suites under tests/integration run
// against PGlite, and against PostgreSQL when TEST_DATABASE_URL (or DATABASE_URL) is set.
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['lib/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts', 'app/**/*.test.ts', 'i18n/**/*.test.ts'],
    // tests/reliability: its own run (npm run test:reliability, vitest.reliability.config.ts).
    exclude: ['node_modules', '.next', '.data', 'e2e', 'tests/reliability/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
