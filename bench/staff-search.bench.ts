/**
 * Staff search at scale (issue 26), on PostgreSQL loaded with `npm run db:seed-large` (1,000,000 payments,
 * 20,000 customers named "Customer N"): adds the demo's real names once (Maria Santos, 王芳, สมชาย ใจดี …, marked
 * `bench-search-`), then times lib/search/search-staff.ts for "santos", "maria", "王", "สม", the start of an email
 * and "125.50 PHP", beside an exact-id lookup (lib/search/search-by-id.ts) in the same run: p50/p95 in ms.
 * Skipped with one line when there is no PostgreSQL or the large set is not loaded.
 *
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/staff-search.bench.ts     (or npm run bench -- search)
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../lib/db/client';
import { searchById } from '../lib/search/search-by-id';
import { searchStaff } from '../lib/search/search-staff';

const url = process.env['BENCH_DATABASE_URL'] || process.env['DATABASE_URL'];
if (!url || !url.startsWith('postgres')) {
  console.log('staff-search: skipped — no PostgreSQL (set BENCH_DATABASE_URL to a database loaded with npm run db:seed-large).');
  process.exit(0);
}
const RUNS = Number(process.env['BENCH_RUNS'] ?? 30);
const database = await openDatabase({ url, maxConnections: 2 });
const { rows } = await database.executeSql(`select count(*)::int as n from payments`);
const total = (rows[0] as { n: number }).n;
if (total < 1_000_000) {
  console.log(`staff-search: skipped — ${total.toLocaleString('en')} payments; run npm run db:seed-large against this database first.`);
  await database.close();
  process.exit(0);
}
const NAMES = ['Maria Santos', 'Jose Reyes', 'José María Núñez', '王芳', '李娜', 'สมชาย ใจดี', 'Budi Santoso'];
await database.executeSql(
  `insert into customers (reference, name, email) select 'bench-search-' || i, n, lower(replace(n, ' ', '.')) || '@example.ph'
   from unnest($1::text[]) with ordinality as t(n, i) on conflict (reference) do nothing`,
  [NAMES],
);
// One payment of 125.50 PHP is already likely among a million; make sure there are a few.
await database.executeSql(`update payments set amount_minor = 12550 where id in (select id from payments where currency = 'PHP' and status = 'FAILED' order by created_at desc limit 3)`);
await database.executeSql('analyze customers; analyze payments; analyze agreements');
const [{ payment_request_id: sampleId }] = (await database.executeSql(`select payment_request_id from payments order by created_at limit 1 offset 500000`)).rows as [{ payment_request_id: string }];

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
console.log(`staff-search on ${total.toLocaleString('en')} payments, ${RUNS} runs each (ms):`);
const cases: [string, () => Promise<unknown[]>][] = [
  [`exact id ${sampleId.slice(0, 14)}… (searchById)`, () => searchById(database.db, sampleId)],
  [`exact id via searchStaff`, () => searchStaff(database.db, sampleId)],
  ['"santos"', () => searchStaff(database.db, 'santos')],
  ['"maria"', () => searchStaff(database.db, 'maria')],
  ['"王"', () => searchStaff(database.db, '王')],
  ['"สม"', () => searchStaff(database.db, 'สม')],
  ['"maria.s" (email start)', () => searchStaff(database.db, 'maria.s')],
  ['"125.50 PHP"', () => searchStaff(database.db, '125.50 PHP')],
  ['"Customer 1234"', () => searchStaff(database.db, 'Customer 1234')],
];
let worst = 0;
let exactP50 = 0;
for (const [label, fn] of cases) {
  const { ms, hits } = await time(fn);
  worst = Math.max(worst, p95(ms));
  exactP50 ||= p50(ms);
  console.log(`  ${label.padEnd(42)} hits ${String(hits).padStart(3)}  p50 ${p50(ms).toFixed(1).padStart(6)}  p95 ${p95(ms).toFixed(1).padStart(6)}`);
}
console.log(`staff-search: worst p95 ${worst.toFixed(1)} ms (${worst < 100 ? 'under' : 'OVER'} the 100 ms budget), ${(worst / Math.max(exactP50, 0.01)).toFixed(1)}× the exact-id lookup's p50`);
await database.close();
