import { defineConfig, devices } from '@playwright/test';

// End-to-end suite against a production build (`npm run build` first) on its own port and data folder,
// in Debian's Chromium (CHROMIUM_PATH) — Playwright's own browser download is not available here.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const SIMULATOR_PORT = Number(process.env.E2E_SIMULATOR_PORT ?? 4110);
// Its own data folder (PGlite files, keys, fixtures), wiped at every run.
const DATA_DIR = process.env.E2E_DATA_DIR ?? '.data/e2e';
export const E2E_ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password-1' };
// The seeded admin's TOTP secret (base32): scripts/e2e-seed.ts enrolls it, e2e/helpers.ts computes its codes.
// Set here for the specs' process too, so both sides agree when the environment does not say otherwise.
process.env.E2E_ADMIN_TOTP_SECRET ??= 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const E2E_ADMIN_TOTP_SECRET = process.env.E2E_ADMIN_TOTP_SECRET;
// E2E_SEPARATE_WORKER=1 (PostgreSQL only): the job worker runs as its own process (`npm run worker`) beside the
// web server, as a merchant deploys it, instead of inside it.
const SEPARATE_WORKER = process.env.E2E_SEPARATE_WORKER === '1';

export default defineConfig({
  testDir: './e2e',
  // Its own folder: Playwright empties outputDir at start, and test-results/ also holds vitest reports.
  outputDir: 'test-results/playwright',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  // Two cores shared by the server, the worker, PostgreSQL and Chromium: a page may take more than 5 s under load.
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : 'list',
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    command: `rm -rf ${DATA_DIR} && mkdir -p ${DATA_DIR} && npx tsx scripts/e2e-seed.ts && ${SEPARATE_WORKER ? '(npx tsx scripts/worker.ts &) && ' : ''}npx tsx scripts/start.ts`,
    url: `http://localhost:${PORT}/api/health`,
    reuseExistingServer: false,
    // The seed and the start take ~45 s on a quiet 2-core machine; far longer while other work shares it.
    timeout: 300_000,
    stdout: 'pipe',
    env: {
      DATA_DIR,
      PORT: String(PORT),
      APP_URL: `http://localhost:${PORT}`,
      SIMULATOR_PORT: String(SIMULATOR_PORT),
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      E2E_ADMIN_TOTP_SECRET,
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? '',
      // The suite's jobs (refresh, resolver, sweeps) run inside the server, on PostgreSQL too, unless E2E_SEPARATE_WORKER.
      WORKER_IN_PROCESS: SEPARATE_WORKER ? 'false' : 'true',
      // One address (127.0.0.1) plays every buyer and staff member, and the fuzz spec sends 10,000 requests.
      POST_RATE_PER_ADDRESS: '100000',
      // One JSON line per request would bury Playwright's own output in CI; warnings and errors still show.
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      // Short enough that the expired-state test can wait it out.
      AUTH_STATE_TTL_SECONDS: '20',
    },
  },
});
