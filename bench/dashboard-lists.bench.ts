/**
 * Dashboard at scale (issue 12), on PostgreSQL loaded with `npm run db:seed-large` (1,000,000 payments):
 *  1. the payments list with a status + wallet + date filter (lib/payments/list-payments.ts, the query the page
 *     renders server-side) at the first page and 10,000 pages deep (25 rows a page): keyset p95 < 100 ms,
 *     printed beside an OFFSET query for the same page;
 *  2. exporting every payment as CSV through lib/export/export-list-csv.ts: < 30 s, peak RSS < 300 MB.
 * Skipped with one line when there is no PostgreSQL or the large set is not loaded.
 *
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/dashboard-lists.bench.ts     (or npm run bench -- dashboard)
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../lib/db/client';
import { exportListCsv } from '../lib/export/export-list-csv';
import { EMPTY_FILTERS, type ListFilters } from '../lib/lists/parse-list-filters';
import { queryPayments } from '../lib/payments/list-payments';

const url = process.env['BENCH_DATABASE_URL'] || process.env['DATABASE_URL'];
if (!url || !url.startsWith('postgres')) {
  console.log('dashboard-lists: skipped — no PostgreSQL (set BENCH_DATABASE_URL to a database loaded with npm run db:seed-large).');
  process.exit(0);
}
const PAGE = 25;
const DEEP_PAGES = 10_000;
const RUNS = Number(process.env['BENCH_RUNS'] ?? 30);

const database = await openDatabase({ url, maxConnections: 2 });
const { rows } = await database.executeSql(`select count(*)::int as n from payments`);
const total = (rows[0] as { n: number }).n;
if (total < 1_000_000) {
  console.log(`dashboard-lists: skipped — ${total.toLocaleString('en')} payments; run npm run db:seed-large against this database first.`);
  await database.close();
  process.exit(0);
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm the plan and the cache once
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const today = new Date();
const from = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate()));
const filters: ListFilters = { ...EMPTY_FILTERS, status: 'SUCCEEDED', wallet: 'GCASH', from, to: today };
const where = `p.status = 'SUCCEEDED' and p.payment_method = 'GCASH' and p.created_at >= $1 and p.created_at < $2`;
const params = [from.toISOString(), new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1)).toISOString()];
const offsetSql = (offset: number) => `
  select p.id, p.status, p.payment_method, p.amount_minor, p.currency, p.refunded_minor, p.payment_request_id, p.payment_id,
         p.reference_order_id, p.initiator, s.email, p.failure_code, p.customer_id, c.name, c.reference, p.created_at
  from payments p join customers c on c.id = p.customer_id left join staff_users s on s.id = p.initiated_by
  where ${where} order by p.created_at desc, p.id desc limit ${PAGE + 1} offset ${offset}`;

const matching = ((await database.executeSql(`select count(*)::int as n from payments p where ${where}`, params)).rows[0] as { n: number }).n;
console.log(`payments: ${total.toLocaleString('en')}; matching status=SUCCEEDED + wallet=GCASH + last 365 days: ${matching.toLocaleString('en')} (${Math.floor(matching / PAGE).toLocaleString('en')} pages)`);
if (matching < PAGE * (DEEP_PAGES + 1)) throw new Error('not enough matching rows for a page 10,000 deep');

// The cursor a person reaches after clicking "Next page" 10,000 times: the last id of page 10,000.
const cursorRow = (await database.executeSql(`select p.id from payments p where ${where} order by p.created_at desc, p.id desc offset ${PAGE * DEEP_PAGES - 1} limit 1`, params)).rows[0] as { id: string };
const deepKeyset = await queryPayments(database.db, { ...filters, after: cursorRow.id }, PAGE);
const deepOffset = (await database.executeSql(offsetSql(PAGE * DEEP_PAGES), params)).rows as { id: string }[];
if (deepKeyset.items.map((r) => r.id).join() !== deepOffset.slice(0, PAGE).map((r) => r.id).join()) throw new Error('keyset and OFFSET disagree on page 10,001');

const results = [
  ['first page', await time(RUNS, () => queryPayments(database.db, filters, PAGE)), await time(RUNS, () => database.executeSql(offsetSql(0), params))],
  [`${DEEP_PAGES.toLocaleString('en')} pages deep`, await time(RUNS, () => queryPayments(database.db, { ...filters, after: cursorRow.id }, PAGE)), await time(Math.min(RUNS, 10), () => database.executeSql(offsetSql(PAGE * DEEP_PAGES), params))],
] as const;
let failed = false;
console.log('\npayments list (status + wallet + date), 25 rows   keyset p50 / p95        OFFSET p50 / p95');
for (const [label, keyset, offset] of results) {
  const ok = p95(keyset) < 100;
  failed ||= !ok;
  console.log(`  ${label.padEnd(44)} ${p50(keyset).toFixed(1).padStart(7)} / ${p95(keyset).toFixed(1).padStart(7)} ms ${ok ? '✓' : '✗'}   ${p50(offset).toFixed(1).padStart(8)} / ${p95(offset).toFixed(1).padStart(8)} ms`);
}
console.log('  target: keyset p95 < 100 ms at both depths');

// Export: the whole payments table through the same stream the route handler returns.
let peak = process.memoryUsage().rss;
console.log(`rss before export ${(peak/1024/1024).toFixed(0)} MB`);
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
const started = performance.now();
const cpuStart = process.cpuUsage();
let bytes = 0;
let lines = 0;
const reader = exportListCsv(database.db, { role: 'admin' }, 'payments', EMPTY_FILTERS).getReader();
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  bytes += value.byteLength;
  for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const exportOk = lines - 1 === total && seconds < 30 && peak < 300 * 1024 * 1024;
failed ||= !exportOk;
console.log(`\nexport all payments as CSV: ${(lines - 1).toLocaleString('en')} rows, ${(bytes / 1024 / 1024).toFixed(0)} MB in ${seconds.toFixed(1)} s, peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB ${exportOk ? '✓' : '✗'}  (target < 30 s, < 300 MB)`);
// On a shared machine wall time mostly measures the wait for a core; this process's own CPU time says what the export costs.
console.log(`  this process used ${cpuSeconds.toFixed(1)} s of CPU for it; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
await database.close();
process.exitCode = failed ? 1 : 0;
