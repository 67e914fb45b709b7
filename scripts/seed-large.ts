// npm run db:seed-large — bulk-inserts a benchmark-sized data set into PostgreSQL with generate_series:
// 20,000 customers (named from a list of 20 real names — Maria Santos, 王芳, สมชาย ใจดี … — with emails and phones),
// 50,000 agreements, 1,000,000 payments over the last 365 days and ~40,000 refunds.
// GCash carries 40 % of the payments so a status + wallet + date filter still has > 250,000 rows (10,000 pages
// of 25) for bench/dashboard-lists.bench.ts. Rows are marked `large-` and the script refuses to run twice.
// PostgreSQL only (DATABASE_URL or SEED_LARGE_DATABASE_URL): PGlite is not the place for a million rows. The SQL is
// in seed-large-data.ts (bench/staff-search.bench.ts also loads a smaller set of it into PGlite).
import { existsSync } from 'node:fs';
import { openDatabase } from '../lib/db/client';
import { seedLarge } from './seed-large-data';

if (existsSync('.env')) process.loadEnvFile('.env');
const url = process.env.SEED_LARGE_DATABASE_URL || process.env.DATABASE_URL;
if (!url) {
  console.error('db:seed-large needs PostgreSQL: set DATABASE_URL (or SEED_LARGE_DATABASE_URL) to a postgres:// URL.');
  process.exit(1);
}
const database = await openDatabase({ url, maxConnections: 2 });
try {
  if (!(await seedLarge(database, { payments: Number(process.env.SEED_LARGE_PAYMENTS || 1_000_000) }))) console.log('db:seed-large: large-* rows already exist; nothing to do.');
} finally {
  await database.close();
}
