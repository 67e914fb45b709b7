/**
 * Staff search at scale (issue 26): times lib/search/search-staff.ts for "santos", "maria", "王", "สม", the start of
 * an email, the start of a phone and "125.50 PHP", beside an exact-id lookup (lib/search/search-by-id.ts) measured
 * in the same run: p50/p95 in ms and each query's p50 as a multiple of the exact-id p50. Budget: every p95 < 100 ms.
 *
 * PostgreSQL, on a database loaded with `npm run db:seed-large` (1,000,000 payments; 20,000 customers named from
 * 20 real names, so "santos" matches ~3,000 customers and "王" ~2,000; three 125.50 PHP payments):
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/staff-search.bench.ts     (or npm run bench -- search)
 * PGlite, in memory, loaded here with the same SQL at a smaller size (a million rows is not PGlite's place):
 *   BENCH_PGLITE_PAYMENTS=100000 npx tsx bench/staff-search.bench.ts
 * Skipped with one line otherwise, or when the PostgreSQL database holds fewer than a million payments.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openDatabase, type Database } from '../lib/db/client';
import { searchById } from '../lib/search/search-by-id';
import { searchStaff } from '../lib/search/search-staff';
import { seedLarge } from '../scripts/seed-large-data';

const url = process.env['BENCH_DATABASE_URL'] || process.env['DATABASE_URL'];
const pglitePayments = Number(process.env['BENCH_PGLITE_PAYMENTS'] ?? 0);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 30);
let database: Database;
if (pglitePayments > 0) {
  database = await openDatabase({ pgliteDir: 'memory' });
  console.log(`staff-search: loading ${pglitePayments.toLocaleString('en')} payments into an in-memory PGlite…`);
  await seedLarge(database, { payments: pglitePayments, log: () => {} });
} else if (url && url.startsWith('postgres')) {
  // The app's own pool size (lib/db/client.ts's default): searchStaff runs its kinds in parallel.
  database = await openDatabase({ url });
  const { rows } = await database.executeSql(`select count(*)::int as n from payments`);
  const n = (rows[0] as { n: number }).n;
  if (n < 1_000_000) {
    console.log(`staff-search: skipped — ${n.toLocaleString('en')} payments; run npm run db:seed-large against this database first.`);
    await database.close();
    process.exit(0);
  }
} else {
  console.log('staff-search: skipped — no PostgreSQL (set BENCH_DATABASE_URL to a database loaded with npm run db:seed-large, or BENCH_PGLITE_PAYMENTS=100000).');
  process.exit(0);
}
const total = ((await database.executeSql(`select count(*)::int as n from payments`)).rows[0] as { n: number }).n;
await database.executeSql('analyze customers');
await database.executeSql('analyze payments');
await database.executeSql('analyze agreements');
const [{ payment_request_id: sampleId }] = (await database.executeSql(`select payment_request_id from payments order by created_at limit 1 offset $1`, [Math.floor(total / 2)])).rows as [{ payment_request_id: string }];

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: () => Promise<unknown>): Promise<{ ms: number[]; hits: number }> {
  const hits = ((await fn()) as unknown[]).length;
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return { ms, hits };
}
console.log(`staff-search on ${database.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}, ${total.toLocaleString('en')} payments, ${RUNS} runs each (ms; wall time in this process, so an upper bound on server time; load average ${loadavg()[0]!.toFixed(1)}):`);
const cases: [string, () => Promise<unknown[]>][] = [
  [`exact id ${sampleId.slice(0, 14)}… (searchById)`, () => searchById(database.db, sampleId)],
  [`exact id via searchStaff`, () => searchStaff(database.db, sampleId)],
  ['"santos"', () => searchStaff(database.db, 'santos')],
  ['"maria"', () => searchStaff(database.db, 'maria')],
  ['"王"', () => searchStaff(database.db, '王')],
  ['"สม"', () => searchStaff(database.db, 'สม')],
  ['"maria.s" (email start)', () => searchStaff(database.db, 'maria.s')],
  ['"wang.fang.18" (email start)', () => searchStaff(database.db, 'wang.fang.18')],
  ['"+6391700123" (phone start)', () => searchStaff(database.db, '+6391700123')],
  ['"125.50 PHP"', () => searchStaff(database.db, '125.50 PHP')],
];
let worst = 0;
let exactP50 = 0;
for (const [label, fn] of cases) {
  const { ms, hits } = await time(fn);
  worst = Math.max(worst, p95(ms));
  exactP50 ||= p50(ms);
  const ratio = p50(ms) / Math.max(exactP50, 0.01);
  console.log(`  ${label.padEnd(42)} hits ${String(hits).padStart(3)}  p50 ${p50(ms).toFixed(1).padStart(6)}  p95 ${p95(ms).toFixed(1).padStart(6)}  ${ratio.toFixed(1).padStart(5)}× exact id`);
}
console.log(`staff-search: worst p95 ${worst.toFixed(1)} ms (${worst < 100 ? 'under' : 'OVER'} the 100 ms budget), ${(worst / Math.max(exactP50, 0.01)).toFixed(1)}× the exact-id lookup's p50`);
await database.close();
