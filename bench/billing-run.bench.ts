/**
 * The billing run (issue 22): N due periods charged by lib/schedules/run-billing.ts against the local simulator —
 * claimed in batches (a few set-based statements per batch, the next batch claimed while the current one charges),
 * each period charged through THE charge operation (its intent and attempt written, signed pay, answer recorded)
 * and settled (paid periods by group commit) — beside the simulator's raw signed-pay rate (signed pay requests
 * straight to the simulator, same client, same concurrency) measured in the same run. The two are interleaved:
 * raw slice, billing slice (maxBatches), …, raw slice, so load from other processes on a shared machine falls on
 * both sides of the ratio alike. Prints the ratio (total periods / total billing time over total raw pays / total
 * raw time, with each slice's rate), the p95 per charge (from the attempt's first write to the period's
 * settlement, read off the rows' own timestamps) and what a claim costs. Target: ≥ 0.5× the raw rate.
 * Embedded PGlite by default (BENCH_DATABASE_URL for PostgreSQL: a throw-away database is created and dropped).
 *
 *   npx tsx bench/billing-run.bench.ts          (or npm run bench -- billing-run)
 *   BENCH_PERIODS=10000 (default) BENCH_CONCURRENCY=16 (the run's default) BENCH_BATCH=100 BENCH_AGREEMENTS=20   optional knobs
 *   BENCH_ROUNDS (billing slices; default one per 1,000 periods, 2–10) BENCH_RAW (raw pays in all; default 4,000)
 *   BENCH_PERIODS=1000 for a quick run
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { completeAuthorizationReturn } from '../lib/agreements/complete-authorization-return';
import { startAuthorization } from '../lib/agreements/start-authorization';
import { createAlipayClient, type AlipayClient } from '../lib/alipay';
import { agreementTokenAad, TokenVault } from '../lib/crypto/token-vault';
import { createAuthorizationLink } from '../lib/customers/create-authorization-link';
import { createCustomer } from '../lib/customers/create-customer';
import { openDatabase } from '../lib/db/client';
import { rowsOf } from '../lib/db/rows-of';
import { agreements } from '../lib/db/schema';
import { claimDueWork, DEFAULT_CONCURRENCY, runBilling, type BillingDeps } from '../lib/schedules/run-billing';
import { updateMerchantSettings } from '../lib/settings/update-merchant-settings';
import { ensureDevKeys } from '../lib/simulator/keys';
import { startSimulator } from '../lib/simulator/server';
import { authenticateStaff } from '../lib/staff/authenticate-staff';
import { cpuMeter, CpuTally, describeCpu } from './cpu-meter';
import { throwAwayBenchDatabase } from './throwaway-database';
import { seedFirstAdmin } from '../lib/staff/seed-first-admin';
import { validateStaffSession } from '../lib/staff/validate-staff-session';
import { eq } from 'drizzle-orm';

const PERIODS = Number(process.env.BENCH_PERIODS ?? 10_000);
/** Both sides at the billing run's default width (the raw pays are CPU-bound: 598/s at 8, 602/s at 16, same run). */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? DEFAULT_CONCURRENCY);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const AGREEMENTS = Number(process.env.BENCH_AGREEMENTS ?? 20);
/** Raw pays in all (spread over the slices between the billing slices). */
const RAW = Math.min(PERIODS, Number(process.env.BENCH_RAW ?? 4_000));
/** Billing slices, each followed by a raw slice (default: one per 1,000 periods, 2 to 10). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? Math.max(2, Math.min(10, Math.round(PERIODS / 1000))));
const CLIENT_ID = 'BENCH_BILLING';
const SECRET = 'bench-secret';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function rate(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

/** Shanghai's calendar day of an instant and its midnight (the schedules' anchor zone). */
function shanghaiToday(now: Date): { day: string; midnight: Date } {
  const day = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  return { day, midnight: new Date(`${day}T00:00:00+08:00`) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'daikou-bench-billing-'));
  const keys = ensureDevKeys(dir);
  const sim = await startSimulator({ port: 0, secret: SECRET, persist: false, simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem, clients: [{ clientId: CLIENT_ID, publicKeyPem: keys.merchantPublicKeyPem, keyVersion: '1', notifyUrls: {} }] });
  const benchDatabase = await throwAwayBenchDatabase();
  const dbUrl = benchDatabase.url;
  console.log(`database: ${dbUrl ? 'PostgreSQL (throw-away database)' : 'embedded PGlite (in memory)'}; ${PERIODS} due periods on ${AGREEMENTS} agreements, concurrency ${CONCURRENCY}, batches of ${BATCH}`);
  const database = await openDatabase(dbUrl ? { url: dbUrl, migrationsFolder: path.join(root, 'drizzle') } : { pgliteDir: 'memory', migrationsFolder: path.join(root, 'drizzle') });
  try {
    // Where a charge's time goes on the wire: the pay calls' own latency, counted around the client.
    const real = createAlipayClient({ gatewayUrl: sim.url, clientId: CLIENT_ID, merchantPrivateKey: keys.merchantPrivateKeyPem, alipayPublicKey: keys.simulatorPublicKeyPem });
    const payMs: number[] = [];
    const alipay: AlipayClient = {
      ...real,
      pay: async (input, options) => {
        const t = performance.now();
        try {
          return await real.pay(input, options);
        } finally {
          payMs.push(performance.now() - t);
        }
      },
    };
    const vault = new TokenVault(randomBytes(32), randomBytes(32));
    const db = database.db;
    await seedFirstAdmin(db, { email: 'bench@example.com', password: 'bench-password-123' });
    const auth = await authenticateStaff(db, { email: 'bench@example.com', password: 'bench-password-123', ip: null, userAgent: null });
    if (!auth.ok) throw new Error('sign-in failed');
    const admin = (await validateStaffSession(db, auth.sessionId, { ip: '127.0.0.1', userAgent: 'bench' }))!;
    await updateMerchantSettings(db, admin, { contractedMethods: ['GCASH'] });
    const customer = await createCustomer(db, admin, { reference: 'bench', name: 'Bench Buyer', country: 'PH', email: undefined, phone: undefined, preferredLanguage: 'en' });
    if (!customer.ok) throw new Error(customer.error);
    const agreementDeps = { db, alipay: real, vault, returnUrl: 'http://localhost:3000/authorize/return' };
    const agreementIds: string[] = [];
    for (let i = 0; i < AGREEMENTS; i++) {
      const link = await createAuthorizationLink(db, admin, { customerId: customer.data.id, expiresInHours: 1 });
      if (!link.ok) throw new Error(link.error);
      const buyer = `bench-${i}`;
      const started = await startAuthorization(agreementDeps, { linkToken: link.data.token, paymentMethod: 'GCASH', buyerBinding: buyer, terminal: { terminalType: 'WEB' } });
      if (!started.ok) throw new Error(started.error);
      const approved = (await (await fetch(`${sim.url}/simulator/authorizations/approve`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: started.data.redirectUrl }) })).json()) as { authCode: string; authState: string };
      const done = await completeAuthorizationReturn(agreementDeps, { authState: approved.authState, authCode: approved.authCode, buyerBinding: buyer });
      if (!done.ok) throw new Error('authorization failed');
      agreementIds.push(started.data.agreementId);
    }
    const [first] = await db.select().from(agreements).where(eq(agreements.id, agreementIds[0]!));
    const accessToken = vault.open(first!.accessTokenCiphertext!, agreementTokenAad(first!.id, 'access_token', first!.tokenKeyVersion ?? 1));

    // N monthly schedules whose first period began at today's midnight in Shanghai: all due now. Set up in one
    // statement (what createSchedule would write, without its per-row audit), so only the run is measured.
    const { day, midnight } = shanghaiToday(new Date());
    const ids = sql.join(agreementIds.map((id) => sql`${id}::uuid`), sql`, `);
    const addDue = (n: number) =>
      db.execute(sql`
        insert into billing_schedules (agreement_id, customer_id, amount_minor, currency, description, interval_unit, interval_count, time_zone, start_date, status, next_period, next_due_at)
        select (array[${ids}])[1 + (g % ${AGREEMENTS})], ${customer.data.id}::uuid, 10000, 'PHP', 'Bench plan', 'month', 1, 'Asia/Shanghai', ${day}::date, 'ACTIVE', 0, ${midnight.toISOString()}::timestamptz
        from generate_series(0, ${n - 1}) g`);
    await addDue(PERIODS);

    const rawPay = async () => {
      const r = await real.pay({
        paymentRequestId: `raw_${randomBytes(12).toString('hex')}`,
        paymentAmount: { currency: 'PHP', value: '10000' },
        paymentMethod: { paymentMethodType: 'GCASH', paymentMethodId: accessToken },
        order: { referenceOrderId: `o_${randomBytes(8).toString('hex')}`, orderDescription: 'bench', orderAmount: { currency: 'PHP', value: '10000' } },
      });
      if (r.outcome !== 'success') throw new Error(`raw pay ${r.result.resultCode}`);
    };
    // Warm the pay path and the database before measuring.
    await rate(200, CONCURRENCY, rawPay);

    // Interleaved rounds on a shared machine: a slice of raw pays, then a slice of the billing run (maxBatches),
    // …, and a last raw slice, so load that comes and goes falls on both sides of the ratio alike.
    const deps: BillingDeps = { db, alipay, vault, enqueue: async () => {} };
    const batchesPerRound = Math.max(1, Math.ceil(PERIODS / ROUNDS / BATCH));
    const rawPerRound = Math.max(200, Math.ceil(RAW / (ROUNDS + 1)));
    const rawRates: number[] = [];
    const billingRates: number[] = [];
    let rawSeconds = 0;
    let rawDone = 0;
    let runSeconds = 0;
    const stats = { started: 0, paid: 0, declined: 0, retried: 0 };
    // CPU per operation on each side (steadier than the rates on a shared machine: see cpu-meter.ts).
    const meter = cpuMeter(dbUrl);
    const rawCpu = new CpuTally();
    const billingCpu = new CpuTally();
    const rawSlice = async () => {
      const before = await meter.sample();
      const t = performance.now();
      const r = await rate(rawPerRound, CONCURRENCY, rawPay);
      rawSeconds += (performance.now() - t) / 1000;
      rawCpu.add(before, await meter.sample(), rawPerRound);
      rawDone += rawPerRound;
      rawRates.push(r);
    };
    for (let round = 0; stats.paid < PERIODS && round < ROUNDS * 2; round++) {
      await rawSlice();
      const before = await meter.sample();
      const t = performance.now();
      const s = await runBilling(deps, { batchSize: BATCH, concurrency: CONCURRENCY, maxBatches: batchesPerRound });
      const seconds = (performance.now() - t) / 1000;
      billingCpu.add(before, await meter.sample(), s.paid);
      runSeconds += seconds;
      billingRates.push(s.paid / seconds);
      stats.started += s.started;
      stats.paid += s.paid;
      stats.declined += s.declined;
      stats.retried += s.retried;
    }
    await rawSlice();
    await meter.close();
    if (stats.paid !== PERIODS) throw new Error(`expected ${PERIODS} paid periods, got ${JSON.stringify(stats)}`);

    // The claim of a batch (one transaction of a few set-based statements: the due rows locked, the periods
    // inserted, the schedules moved on, the timeline appended), timed alone on fresh due rows. In the run it
    // overlaps the charging of the batch before it.
    const CLAIMS = Math.max(1, Math.min(10, Math.floor(PERIODS / BATCH)));
    await addDue(CLAIMS * BATCH);
    const claimMs: number[] = [];
    for (let i = 0; i < CLAIMS; i++) {
      const t = performance.now();
      await claimDueWork(deps, BATCH);
      claimMs.push(performance.now() - t);
    }
    const claimShare = ((PERIODS / BATCH) * percentile(claimMs, 50)) / 1000 / runSeconds;

    // Per charge: from the attempt's first write (charge start) to the period's settlement.
    const perCharge = rowsOf<{ ms: number; claim_ms: number }>(
      await db.execute(sql`
        select extract(epoch from (p.updated_at - pay.created_at)) * 1000 as ms,
               extract(epoch from (p.updated_at - p.created_at)) * 1000 as claim_ms
        from schedule_periods p join payments pay on pay.intent_id = p.intent_id`),
    ).map((r) => ({ ms: Number(r.ms), claim: Number(r.claim_ms) }));
    const ms = perCharge.map((r) => r.ms);
    const claimToSettle = perCharge.map((r) => r.claim);
    const billingRate = PERIODS / runSeconds;
    const rawRate = rawDone / rawSeconds;
    const ratio = billingRate / rawRate;
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}/s`;
    console.log(`raw signed pay (same run, concurrency ${CONCURRENCY}, ${rawRates.length} slices of ${rawPerRound} between the billing slices): ${rawDone} in ${rawSeconds.toFixed(1)} s = ${rawRate.toFixed(0)}/s (slices ${range(rawRates)})`);
    console.log(`billing run (${billingRates.length} slices of ${batchesPerRound} batch(es)): ${PERIODS} periods in ${runSeconds.toFixed(1)} s = ${billingRate.toFixed(0)}/s (slices ${range(billingRates)}) — ${ratio.toFixed(2)}× raw signed pay`);
    console.log(`per charge (charge start → period settled): p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms; its pay call p50 ${percentile(payMs, 50).toFixed(1)} ms, p95 ${percentile(payMs, 95).toFixed(1)} ms; claim → settled p95 ${percentile(claimToSettle, 95).toFixed(0)} ms (waiting in its batch included)`);
    const rawSpent = rawCpu.perOperation();
    const billedSpent = billingCpu.perOperation();
    // The bench process (one thread) does both sides of every pay call plus the run's own work, so its CPU per
    // operation bounds the ratio from above even on an idle machine with a free core for the database.
    console.log(`CPU per operation: raw signed pay ${describeCpu(rawSpent)}; billed period ${describeCpu(billedSpent)} (both include the in-process simulator's side of the pay call); at these costs the bench process alone (one event loop, though its CPU here counts every thread) would cap the ratio near ${(rawSpent.processMs / billedSpent.processMs).toFixed(2)}×`);
    console.log(`claim of a batch of ${BATCH} (alone): p50 ${percentile(claimMs, 50).toFixed(0)} ms — about ${(claimShare * 100).toFixed(0)}% of the run's time if it did not overlap the charging (it does: the next batch is claimed while the current one charges)`);
    const ok = ratio >= 0.5;
    console.log(ok ? 'target met: billing run ≥ 0.5× the raw signed-pay rate' : `TARGET MISSED: billing run ${ratio.toFixed(2)}× the raw signed-pay rate (target ≥ 0.5×)`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await sim.close();
    await database.close();
    await benchDatabase.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
