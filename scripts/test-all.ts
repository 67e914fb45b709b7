// npm test — every suite: unit + integration on PGlite; integration again on PostgreSQL when
// TEST_DATABASE_URL (or DATABASE_URL) is set; then a production build and the Playwright suite in Chromium;
// then the fast part of the reliability suite on PostgreSQL (tests/reliability/http-edges.test.ts, 2,000 inputs).
// Flags: --skip-e2e, --skip-build, --e2e-only. Ends with one line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import postgres from 'postgres';

const args = new Set(process.argv.slice(2));
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || ((await reachable(LOCAL_POSTGRES)) ? LOCAL_POSTGRES : '');
if (pgUrl && !process.env.TEST_DATABASE_URL && !process.env.DATABASE_URL) console.log(`[test] using the local PostgreSQL at ${LOCAL_POSTGRES}`);
if (!args.has('--skip-e2e')) ensureChromium();
mkdirSync('test-results', { recursive: true });

interface Step {
  name: string;
  /** Runs before the command (e.g. a fresh database). */
  before?: () => Promise<void>;
  command: string[];
  env?: Record<string, string>;
  report?: { file: string; kind: 'vitest' | 'playwright' };
}

const steps: Step[] = [];
if (!args.has('--e2e-only')) steps.push(
  {
    name: 'vitest (PGlite)',
    command: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest-pglite.json'],
    env: { TEST_DB: 'pglite' },
    report: { file: 'test-results/vitest-pglite.json', kind: 'vitest' },
  },
);
if (pgUrl && !args.has('--e2e-only')) {
  steps.push({
    name: 'vitest integration (PostgreSQL)',
    command: ['npx', 'vitest', 'run', 'tests/integration', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest-postgres.json'],
    env: { TEST_DB: 'postgres', TEST_DATABASE_URL: pgUrl },
    report: { file: 'test-results/vitest-postgres.json', kind: 'vitest' },
  });
} else if (!pgUrl) {
  console.log('[test] TEST_DATABASE_URL not set: PostgreSQL integration run skipped (PGlite only).');
}
if (!args.has('--skip-e2e')) {
  if (!args.has('--skip-build')) steps.push({ name: 'build', command: ['npm', 'run', 'build'] });
  steps.push({
    name: 'playwright (Chromium)',
    command: ['npx', 'playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/e2e.json' },
    report: { file: 'test-results/e2e.json', kind: 'playwright' },
  });
  // The dashboard walk, the merchant's day (the 07:30 Manila payment), every page on a phone with its detail pages,
  // and the header search need a few hundred demo rows, which the other specs (empty Overview, empty lists) must
  // not see: their own server, seeded with E2E_DEMO_DATA=1. (Their demo-less parts also ran in the step above.)
  steps.push({
    name: 'playwright on demo data: dashboard walk, merchant day, phone pages, search (Chromium)',
    command: ['npx', 'playwright', 'test', 'e2e/dashboard-walk.spec.ts', 'e2e/merchant-day.spec.ts', 'e2e/every-page-phone.spec.ts', 'e2e/staff-search.spec.ts', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/e2e-walk.json', E2E_DEMO_DATA: '1' },
    // On PostgreSQL the first run's rows are still there (PGlite's folder is wiped by the web server command).
    before: async () => {
      if (process.env.E2E_DATABASE_URL) await recreateDatabase(process.env.E2E_DATABASE_URL);
    },
    report: { file: 'test-results/e2e-walk.json', kind: 'playwright' },
  });
}

// The fast part of the reliability suite (npm run test:reliability has the rest): oversized and trickled bodies
// and 2,000 generated requests against the production build on PostgreSQL, plus 20,000 Signature headers into
// the parser; ~1.5–4 minutes. After the build (its globalSetup builds when there is none).
if (pgUrl && !args.has('--e2e-only')) {
  steps.push({
    name: 'reliability, fast part (PostgreSQL, production build)',
    command: ['npx', 'vitest', 'run', '--config', 'vitest.reliability.config.ts', 'tests/reliability/http-edges.test.ts', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/reliability-fast.json'],
    env: { TEST_DATABASE_URL: pgUrl, ROUTE_FUZZ_TOTAL: '2000', SIGNATURE_FUZZ_TOTAL: '20000' },
    report: { file: 'test-results/reliability-fast.json', kind: 'vitest' },
  });
}

let passed = 0;
let failed = 0;
let stepFailed = false;
for (const step of steps) {
  console.log(`\n[test] ── ${step.name} ──`);
  await step.before?.();
  const [cmd, ...rest] = step.command;
  const result = spawnSync(cmd!, rest, { stdio: 'inherit', env: { ...process.env, ...step.env, DATABASE_URL: '' } });
  if (result.status !== 0) stepFailed = true;
  if (step.report) {
    const counts = readCounts(step.report.file, step.report.kind);
    passed += counts.passed;
    failed += counts.failed;
    console.log(`[test] ${step.name}: ${counts.passed} passed, ${counts.failed} failed`);
  }
  if (result.status !== 0 && !step.report) break;
}
if (stepFailed && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(stepFailed || failed > 0 ? 1 : 0);

function readCounts(file: string, kind: 'vitest' | 'playwright'): { passed: number; failed: number } {
  if (!existsSync(file)) return { passed: 0, failed: 1 };
  const json = JSON.parse(readFileSync(file, 'utf8'));
  if (kind === 'vitest') return { passed: json.numPassedTests ?? 0, failed: (json.numFailedTests ?? 0) + (json.numRuntimeErrorTestSuites ?? 0) };
  return { passed: json.stats?.expected ?? 0, failed: (json.stats?.unexpected ?? 0) + (json.stats?.flaky ?? 0) };
}

/** Drops and creates the database named in `url`, through the server's `postgres` database. */
async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`refusing to recreate database "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.unsafe(`create database ${name}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Is a PostgreSQL server answering at this URL (2 s budget)? */
async function reachable(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** The browser suite runs in Debian's Chromium; install it when missing and we are root, else explain. */
function ensureChromium(): void {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return;
  if (process.getuid?.() === 0) {
    console.log(`[test] ${path} not found: installing Debian's chromium (apt-get)`);
    spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'], { stdio: 'inherit' });
  }
  if (!existsSync(path)) {
    console.error(`[test] Chromium not found at ${path}. Install it (apt-get install chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
}
