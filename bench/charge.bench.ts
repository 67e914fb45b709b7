/**
 * Staff charge, server side, against the local simulator — beside the simulator's own signed pay in the same
 * run (issue 9): latency p95 of one staff charge (checks, row + audit + events in one statement, sealed body,
 * signed pay, answer recorded) vs one raw signed pay call, and vs the floor any charge has here (the raw pay
 * between a read and two durable commits); then 1,000 charges through the charge operation (each a new charge
 * intent and its first attempt) vs 1,000 raw signed pay calls, both at the same concurrency, in alternating
 * rounds. Targets (issue 19): charge p95 < 150 ms and ≤ 1.3× the floor's p95; charge rate ≥ 0.45× the raw rate. Embedded PGlite by default (BENCH_DATABASE_URL for PostgreSQL).
 *
 *   npx tsx bench/charge.bench.ts            (or npm run bench -- charge)
 *   BENCH_SAMPLES=200 BENCH_CHARGES=1000 BENCH_CONCURRENCY=8   optional knobs
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { completeAuthorizationReturn } from '../lib/agreements/complete-authorization-return';
import { startAuthorization } from '../lib/agreements/start-authorization';
import { createAlipayClient } from '../lib/alipay';
import { agreementTokenAad, TokenVault } from '../lib/crypto/token-vault';
import { createAuthorizationLink } from '../lib/customers/create-authorization-link';
import { createCustomer } from '../lib/customers/create-customer';
import { openDatabase } from '../lib/db/client';
import { agreements } from '../lib/db/schema';
import { charge } from '../lib/payments/charge';
import type { PaymentDeps } from '../lib/payments/payment-deps';
import { updateMerchantSettings } from '../lib/settings/update-merchant-settings';
import { ensureDevKeys } from '../lib/simulator/keys';
import { startSimulator } from '../lib/simulator/server';
import { authenticateStaff } from '../lib/staff/authenticate-staff';
import { throwAwayBenchDatabase } from './throwaway-database';
import { seedFirstAdmin } from '../lib/staff/seed-first-admin';
import { validateStaffSession } from '../lib/staff/validate-staff-session';
import { eq, sql } from 'drizzle-orm';
import { executePrepared } from '../lib/db/execute-prepared';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const CHARGES = Number(process.env.BENCH_CHARGES ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const CLIENT_ID = 'BENCH_CHARGE';
const SECRET = 'bench-secret';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
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

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'daikou-bench-charge-'));
  const keys = ensureDevKeys(dir);
  const sim = await startSimulator({ port: 0, secret: SECRET, persist: false, simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem, clients: [{ clientId: CLIENT_ID, publicKeyPem: keys.merchantPublicKeyPem, keyVersion: '1', notifyUrls: {} }] });
  const benchDatabase = await throwAwayBenchDatabase();
  const dbUrl = benchDatabase.url;
  console.log(`database: ${dbUrl ? 'PostgreSQL (throw-away database)' : 'embedded PGlite (in memory)'}`);
  const database = await openDatabase(dbUrl ? { url: dbUrl, migrationsFolder: path.join(root, 'drizzle') } : { pgliteDir: 'memory', migrationsFolder: path.join(root, 'drizzle') });
  try {
    const alipay = createAlipayClient({ gatewayUrl: sim.url, clientId: CLIENT_ID, merchantPrivateKey: keys.merchantPrivateKeyPem, alipayPublicKey: keys.simulatorPublicKeyPem });
    const vault = new TokenVault(randomBytes(32), randomBytes(32));
    const db = database.db;
    await seedFirstAdmin(db, { email: 'bench@example.com', password: 'bench-password-123' });
    const auth = await authenticateStaff(db, { email: 'bench@example.com', password: 'bench-password-123', ip: null, userAgent: null });
    if (!auth.ok) throw new Error('sign-in failed');
    const admin = (await validateStaffSession(db, auth.sessionId, { ip: '127.0.0.1', userAgent: 'bench' }))!;
    await updateMerchantSettings(db, admin, { contractedMethods: ['GCASH'] });
    const customer = await createCustomer(db, admin, { reference: 'bench', name: 'Bench Buyer', country: 'PH', email: undefined, phone: undefined, preferredLanguage: 'en' });
    if (!customer.ok) throw new Error(customer.error);
    const link = await createAuthorizationLink(db, admin, { customerId: customer.data.id, expiresInHours: 1 });
    if (!link.ok) throw new Error(link.error);
    const agreementDeps = { db, alipay, vault, returnUrl: 'http://localhost:3000/authorize/return' };
    const started = await startAuthorization(agreementDeps, { linkToken: link.data.token, paymentMethod: 'GCASH', buyerBinding: 'bench', terminal: { terminalType: 'WEB' } });
    if (!started.ok) throw new Error(started.error);
    const approved = (await (await fetch(`${sim.url}/simulator/authorizations/approve`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: started.data.redirectUrl }) })).json()) as { authCode: string; authState: string };
    await completeAuthorizationReturn(agreementDeps, { authState: approved.authState, authCode: approved.authCode, buyerBinding: 'bench' });
    const agreementId = started.data.agreementId;
    const [row] = await db.select().from(agreements).where(eq(agreements.id, agreementId));
    const accessToken = vault.open(row!.accessTokenCiphertext!, agreementTokenAad(agreementId, 'access_token', 1));

    const rawPay = async () => {
      const r = await alipay.pay({
        paymentRequestId: `raw_${randomBytes(12).toString('hex')}`,
        paymentAmount: { currency: 'PHP', value: '10000' },
        paymentMethod: { paymentMethodType: 'GCASH', paymentMethodId: accessToken },
        order: { referenceOrderId: `o_${randomBytes(8).toString('hex')}`, orderDescription: 'bench', orderAmount: { currency: 'PHP', value: '10000' } },
      });
      if (r.outcome !== 'success') throw new Error(`raw pay ${r.result.resultCode}`);
    };
    const deps: PaymentDeps = { db, alipay, vault, enqueue: async () => {} };
    const staffCharge = async () => {
      const r = await charge(deps, { agreementId, amountMinor: 10_000n, currency: 'PHP', description: 'bench', operationKey: `staff:${randomBytes(16).toString('hex')}`, initiator: { kind: 'staff', actor: admin } });
      if (!r.ok || r.data.payment.status !== 'SUCCEEDED') throw new Error(`charge ${r.ok ? r.data.payment.status : r.code}`);
    };

    // The floor under any charge that keeps issue 9's order (write the row and commit, pay outside any
    // transaction, record the answer): the same raw pay bracketed by the fewest round trips that can carry it —
    // one read, one durable insert before, one durable update after — on a table with a single index. What a
    // charge adds above this line is its own work; the floor itself is this machine's commit latency.
    await db.execute(sql`create table bench_floor (id uuid primary key, status text not null)`);
    const floorPay = async () => {
      const id = randomUUID();
      await executePrepared(db, sql`select status from agreements where id = ${agreementId}::uuid`);
      await executePrepared(db, sql`insert into bench_floor (id, status) values (${id}::uuid, 'CREATED')`);
      await rawPay();
      await executePrepared(db, sql`update bench_floor set status = 'SUCCEEDED' where id = ${id}::uuid`);
    };

    // Warm every path (JIT, connection, PGlite caches) before measuring.
    await timed(20, rawPay);
    await timed(20, floorPay);
    await timed(20, staffCharge);
    // Interleaved, so a slow moment of the machine falls on all three alike.
    const rawMs: number[] = [];
    const floorMs: number[] = [];
    const chargeMs: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      rawMs.push(...(await timed(1, rawPay)));
      floorMs.push(...(await timed(1, floorPay)));
      chargeMs.push(...(await timed(1, staffCharge)));
    }
    const rawP95 = percentile(rawMs, 95);
    const floorP95 = percentile(floorMs, 95);
    const chargeP95 = percentile(chargeMs, 95);
    const line = (name: string, ms: number[]) => `${name} p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms`;
    console.log(`latency (${SAMPLES} sequential, interleaved): ${line('raw signed pay', rawMs)} | ${line('floor (read + commit + pay + commit)', floorMs)} (${(floorP95 / rawP95).toFixed(2)}× raw) | ${line('staff charge', chargeMs)} (${(chargeP95 / rawP95).toFixed(2)}× raw, ${(chargeP95 / floorP95).toFixed(2)}× floor)`);
    // Throughput in alternating rounds, for the same reason.
    const ROUNDS = 4;
    const perRound = Math.ceil(CHARGES / ROUNDS);
    let rawSeconds = 0;
    let chargeSeconds = 0;
    for (let r = 0; r < ROUNDS; r++) {
      rawSeconds += perRound / (await rate(perRound, CONCURRENCY, rawPay));
      chargeSeconds += perRound / (await rate(perRound, CONCURRENCY, staffCharge));
    }
    const rawRate = (ROUNDS * perRound) / rawSeconds;
    const chargeRate = (ROUNDS * perRound) / chargeSeconds;
    console.log(`throughput (${CHARGES} at concurrency ${CONCURRENCY}, ${ROUNDS} alternating rounds): raw signed pay ${rawRate.toFixed(0)}/s | charge operation ${chargeRate.toFixed(0)}/s (${(chargeRate / rawRate).toFixed(2)}× raw)`);
    // Issue 19's targets for the charge through an intent: p95 within 1.3× the floor any durable charge has here
    // (issue 9's "< 2× raw pay" is below that floor on this machine, see the floor line) and ≥ 0.45× the raw rate.
    const ok = chargeP95 < 150 && chargeP95 <= 1.3 * floorP95 && chargeRate >= 0.45 * rawRate;
    console.log(
      ok
        ? 'targets met: charge p95 < 150 ms and ≤ 1.3× the floor p95; charge rate ≥ 0.45× raw'
        : 'TARGET MISSED (charge p95 < 150 ms and ≤ 1.3× the floor p95; charge rate ≥ 0.45× raw rate)',
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await sim.close();
    await database.close();
    await benchDatabase.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
