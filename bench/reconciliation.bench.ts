/**
 * Reconciliation at scale (issues 13, 21): a generated one-million-row transaction details file in Antom's
 * current format (PSP / ARN / status, major-unit decimals, three fee columns, the net settlement amount) is
 * imported (read by header, amounts by currency exponent, fees summed, COPY FROM STDIN, all checks on) and
 * matched against a one-million-payment ledger
 * with the set-based matcher, on PostgreSQL. Targets: import + match < 60 s, peak RSS < 400 MB. Printed
 * beside a plain `COPY … (FORMAT csv)` of the same bytes into an unindexed text table in the same run —
 * the floor any importer on this database can reach.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/reconciliation.bench.ts
 *   (falls back to TEST_DATABASE_URL, then DATABASE_URL; skipped with a line when none is set)
 *   BENCH_ROWS=1000000 optional
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { openDatabase } from '../lib/db/client';
import { importReportFile } from '../lib/reconciliation/import-report-file';
import { matchReportDay } from '../lib/reconciliation/match-report-day';

const TARGET_SECONDS = 60;
const TARGET_RSS_MB = 400;
const MERCHANT_ID = '1022188000000000001';
const DAY = '2026-11-30';
const HEADER =
  'customerId,PSP,ARN,referenceMerchantId,referenceStoreId,transactionId,originalTransactionId,transactionRequestId,referenceTransactionId,paymentMethodType,transactionType,status,reason,paymentTime,transactionAmountValue,transactionCurrency,settlementAmountValue,settlementCurrency,paymentMethodFeeAmountValue,paymentMethodFeeCurrency,processingFeeAmountValue,processingFeeCurrency,taxFeeAmountValue,taxFeeCurrency';
/** Every 100 000th row's amount is off by one against the ledger: the matcher must find exactly these. */
const MISMATCH_EVERY = 100_000;

const serverUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];
const rows = Number(process.env['BENCH_ROWS'] ?? 1_000_000);

async function main(): Promise<number> {
  if (!serverUrl) {
    console.log('reconciliation bench: SKIPPED — needs PostgreSQL (set BENCH_DATABASE_URL or TEST_DATABASE_URL); PGlite is not the production path for a million rows');
    return 0;
  }
  const name = `daikou_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'daikou-recon-bench-'));
  const database = await openDatabase({ url: url.toString(), migrationsFolder: path.join(process.cwd(), 'drizzle'), maxConnections: 4 });
  try {
    const fileName = `transactionItems_${DAY.replaceAll('-', '')}_000.csv`;
    const filePath = path.join(dir, fileName);
    let started = Date.now();
    await writeReport(filePath);
    const bytes = statSync(filePath).size;
    await seedLedger(database.executeSql);
    console.log(`setup: ${rows.toLocaleString('en')} rows, ${(bytes / 1e6).toFixed(0)} MB file + ledger in ${((Date.now() - started) / 1000).toFixed(1)} s (not timed)`);

    // Plain COPY of the same bytes (minus the <END> line, which COPY cannot skip): the floor.
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    await sql.unsafe(`create unlogged table bench_plain_copy (${HEADER.split(',').map((c) => `"${c}" text`).join(', ')})`);
    started = Date.now();
    const writable = await sql.unsafe(`copy bench_plain_copy from stdin with (format csv, header true)`).writable();
    await pipeline(createReadStream(filePath, { end: bytes - '<END>\n'.length - 1 }), writable);
    const plainSeconds = (Date.now() - started) / 1000;
    await sql.end();

    started = Date.now();
    const imported = await importReportFile(database.db, { filePath, fileName, source: 'drop_folder', merchantId: MERCHANT_ID, copyUrl: url.toString() });
    const importSeconds = (Date.now() - started) / 1000;
    if (!imported.ok) throw new Error(`import refused: ${imported.error}`);
    const matchStarted = Date.now();
    const matched = await matchReportDay(database.db, DAY);
    const matchSeconds = (Date.now() - matchStarted) / 1000;
    const total = importSeconds + matchSeconds;
    const rssMb = process.resourceUsage().maxRSS / 1024;

    const expected = Math.floor((rows - 1) / MISMATCH_EVERY) + 1;
    const found = matched.open.amount_mismatch ?? 0;
    const others = Object.entries(matched.open).filter(([k]) => k !== 'amount_mismatch');
    console.log(`plain COPY (csv → text table) : ${plainSeconds.toFixed(1)} s  ${Math.round(rows / plainSeconds).toLocaleString('en')} rows/s`);
    console.log(`import (checked, COPY)        : ${importSeconds.toFixed(1)} s  ${Math.round(rows / importSeconds).toLocaleString('en')} rows/s`);
    console.log(`match (set-based SQL)         : ${matchSeconds.toFixed(1)} s`);
    console.log(`import + match                : ${total.toFixed(1)} s  ${Math.round(rows / total).toLocaleString('en')} rows/s  (target < ${TARGET_SECONDS} s)`);
    // The ratio holds across machines and load better than the seconds do: both ran in this process, minutes apart.
    console.log(`ratio to plain COPY           : import ${(importSeconds / plainSeconds).toFixed(1)}×, import + match ${(total / plainSeconds).toFixed(1)}×`);
    console.log(`peak RSS                      : ${rssMb.toFixed(0)} MB (target < ${TARGET_RSS_MB} MB)`);
    console.log(`discrepancies                 : ${found} amount mismatches (expected ${expected}), others ${JSON.stringify(Object.fromEntries(others))}`);
    const pass = imported.data.rowCount === rows && total < TARGET_SECONDS && rssMb < TARGET_RSS_MB && found === expected && others.length === 0;
    console.log(pass ? 'PASS' : 'FAIL');
    return pass ? 0 : 1;
  } finally {
    await database.close();
    if (process.env['BENCH_KEEP_DB']) console.log(`kept ${url.toString()}`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report as the simulator writes it, streamed to disk (constant memory). */
async function writeReport(filePath: string): Promise<void> {
  const out = createWriteStream(filePath);
  out.write(`${HEADER}\n`);
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const amount = 10_000 + (i % 1_000);
    const reported = i % MISMATCH_EVERY === 1 ? amount + 1 : amount;
    const fee = Math.floor((reported * 200 + 5_000) / 10_000);
    const tax = Math.floor(fee / 10);
    chunk += `${MERCHANT_ID},ALIPAY_SG,,,,bpay-${i},,bench-${i},order-${i},GCASH,PAYMENT,SUCCESS,,2026-11-30T10:00:00+08:00,${major(reported)},PHP,${major(reported - fee)},PHP,-${major(fee - tax)},PHP,0.00,PHP,-${major(tax)},PHP\n`;
    if (i % 10_000 === 0) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.write(`${chunk}<END>\n`);
  out.end();
  await once(out, 'finish');
}

/** Minor units → "123.45" (PHP has two decimals). */
function major(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** The ledger the report describes: one customer, one agreement, a million SUCCEEDED payments. */
async function seedLedger(exec: (text: string, values?: unknown[]) => Promise<unknown>): Promise<void> {
  await exec(`insert into customers (id, reference, name) values ('00000000-0000-4000-8000-000000000001', 'bench', 'Bench')`);
  await exec(`insert into agreements (id, customer_id, payment_method, status, terminal_type, auth_state_index, auth_state_expires_at, buyer_binding_index)
              values ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'GCASH', 'ACTIVE', 'WEB', 'bench', now(), 'bench')`);
  // One intent of its own per payment (id = the payment's id); the attempt guard is off for the bulk history insert.
  await exec(`insert into charge_intents (id, business_key, agreement_id, customer_id, amount_minor, currency, description, source, retry_policy, max_attempts)
              select md5('bench-' || i)::uuid, 'order-' || i, '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001',
                     10000 + (i % 1000), 'PHP', 'bench', 'schedule', 'none', 1
              from generate_series(1, ${rows}) as i`);
  await exec('alter table payments disable trigger payments_attempt_guard');
  await exec(`insert into payments (id, intent_id, agreement_id, customer_id, payment_method, payment_request_id, payment_id, amount_minor, currency, status,
                                    reference_order_id, description, initiator, succeeded_at, payment_time)
              select md5('bench-' || i)::uuid, md5('bench-' || i)::uuid, '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'GCASH', 'bench-' || i, 'bpay-' || i,
                     10000 + (i % 1000), 'PHP', 'SUCCEEDED', 'order-' || i, 'bench', 'schedule', '2026-11-30T10:00:05+08:00', '2026-11-30T10:00:00+08:00'
              from generate_series(1, ${rows}) as i`);
  await exec('alter table payments enable trigger payments_attempt_guard');
  await exec('analyze payments');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
