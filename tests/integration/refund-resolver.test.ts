/**
 * The refund flow and its resolver against the in-process simulator (real signed client, real job queue):
 * the simulator's refund scenarios end in the simulator's final state, and its ledger moves exactly once.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { paymentEvents, payments, refunds } from '@/lib/db/schema';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { createRefund } from '@/lib/refunds/create-refund';
import type { RefundDeps } from '@/lib/refunds/refund-deps';
import { createResolveRefundJob } from '@/lib/refunds/resolve-refund.job';
import { resolveRefund } from '@/lib/refunds/resolve-refund';
import { sweepUnsettledRefunds } from '@/lib/refunds/sweep-unsettled-refunds';
import { newOperationKey, seedActor, seedSucceededPayment } from '../helpers/refund-fixtures';
import { startSimulatorHarness, type SimulatorHarness } from '../helpers/simulator-harness';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
let sim: SimulatorHarness;
let admin: Actor;
let queue: JobQueue;
const enqueued: string[] = [];

interface LedgerEntry {
  kind: string;
  refundRequestId?: string;
  amountMinor: string;
  currency: string;
}

/** A real GCash payment at the simulator (consult → approve → applyToken → pay), mirrored as our SUCCEEDED row. */
async function paidAtSimulator(amountMinor: bigint) {
  const authState = randomBytes(16).toString('hex');
  const consult = await sim.alipay.consult({ customerBelongsTo: 'GCASH', authRedirectUrl: 'http://localhost:3000/authorize/return', scopes: ['AGREEMENT_PAY'], authState, terminalType: 'WEB' });
  expect(consult.outcome).toBe('success');
  const { authCode } = await sim.control<{ authCode: string }>('/simulator/authorizations/approve', { authState, account: 'normal' });
  const token = await sim.alipay.applyToken({ grantType: 'AUTHORIZATION_CODE', customerBelongsTo: 'GCASH', authCode });
  const paymentRequestId = `pay_${randomBytes(10).toString('hex')}`;
  const value = amountMinor.toString();
  const pay = await sim.alipay.pay({
    paymentRequestId,
    paymentAmount: { currency: 'PHP', value },
    paymentMethod: { paymentMethodType: 'GCASH', paymentMethodId: token.data.accessToken! },
    order: { referenceOrderId: `o-${paymentRequestId}`, orderDescription: 'Coffee subscription', orderAmount: { currency: 'PHP', value } },
  });
  expect(pay.outcome).toBe('success');
  return seedSucceededPayment(database.db, { amountMinor, antomPaymentId: pay.data.paymentId! });
}

const deps = (): RefundDeps => ({
  db: database.db,
  alipay: sim.alipay,
  enqueue: async (name, data, options) => {
    enqueued.push(String(data.refundId));
    await queue.enqueue(name, data, options);
  },
});

async function refundRow(id: string) {
  const [row] = await database.db.select().from(refunds).where(eq(refunds.id, id));
  return row!;
}
async function paymentRow(id: string) {
  const [row] = await database.db.select().from(payments).where(eq(payments.id, id));
  return row!;
}
async function ledgerRefunds(refundRequestId: string) {
  const ledger = await sim.control<{ entries: LedgerEntry[] }>('/simulator/ledger');
  return ledger.entries.filter((e) => e.kind === 'REFUND' && e.refundRequestId === refundRequestId);
}
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe(`refund resolver against the simulator (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSimulatorHarness();
    admin = await seedActor(database.db, 'admin');
    queue = await startJobQueue(database, {
      work: true,
      jobs: [createResolveRefundJob(() => undefined)] as never,
      context: { db: database.db, alipay: sim.alipay, vault: new TokenVault(randomBytes(32), randomBytes(32)), now: () => new Date() },
      pollingIntervalSeconds: 0.5,
    });
  }, 60_000);
  afterAll(async () => {
    await queue?.stop(5_000);
    await sim?.close();
    await database?.close();
  });

  it('a plain refund succeeds at once: what the page shows is what the simulator ledger holds', async () => {
    const payment = await paidAtSimulator(100_000n);
    const result = await createRefund(deps(), admin, { paymentId: payment.id, amount: '123.45', reason: 'Item returned', operationKey: newOperationKey() });
    expect(result).toMatchObject({ ok: true, data: { state: 'succeeded', refund: { status: 'SUCCEEDED', amountMinor: 12_345n } } });
    if (!result.ok) return;
    expect(result.data.refund.refundId).toBeTruthy();
    expect(await ledgerRefunds(result.data.refund.refundRequestId)).toEqual([expect.objectContaining({ amountMinor: '12345', currency: 'PHP' })]);
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 12_345n, refundPendingMinor: 0n });
  });

  it('refund-fail (…091): F MERCHANT_BALANCE_NOT_ENOUGH declines with the reason and releases the reservation', async () => {
    const payment = await paidAtSimulator(100_000n);
    const result = await createRefund(deps(), admin, { paymentId: payment.id, amount: '10.91', reason: 'Item returned', operationKey: newOperationKey() });
    expect(result).toMatchObject({ ok: false, code: 'refund_declined', error: expect.stringMatching(/declined/) });
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 0n, refundPendingMinor: 0n });
  });

  it('refund-in-process-then-success (…092): U, the resolver job follows it to SUCCEEDED, one ledger entry', async () => {
    const payment = await paidAtSimulator(100_000n);
    const result = await createRefund(deps(), admin, { paymentId: payment.id, amount: '30.92', reason: 'Item returned', operationKey: newOperationKey() });
    expect(result).toMatchObject({ ok: true, data: { state: 'pending', refund: { status: 'UNKNOWN', resultCode: 'REFUND_IN_PROCESS' } } });
    if (!result.ok) return;
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 0n, refundPendingMinor: 3_092n });
    await sim.control('/simulator/clock/advance', { seconds: 10 });
    const settled = await until(() => refundRow(result.data.refund.id), (r) => r.status === 'SUCCEEDED');
    expect(settled.status).toBe('SUCCEEDED');
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 3_092n, refundPendingMinor: 0n });
    expect(await ledgerRefunds(result.data.refund.refundRequestId)).toHaveLength(1);
  }, 60_000);

  it('refund-in-process-then-fail (…093): the resolver ends FAILED and the amount is free again', async () => {
    const payment = await paidAtSimulator(100_000n);
    const result = await createRefund(deps(), admin, { paymentId: payment.id, amount: '40.93', reason: 'Item returned', operationKey: newOperationKey() });
    expect(result).toMatchObject({ ok: true, data: { state: 'pending' } });
    if (!result.ok) return;
    await sim.control('/simulator/clock/advance', { seconds: 10 });
    const settled = await until(() => refundRow(result.data.refund.id), (r) => r.status === 'FAILED');
    expect(settled).toMatchObject({ status: 'FAILED', failureCode: 'PROCESS_FAIL' });
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 0n, refundPendingMinor: 0n });
    expect(await ledgerRefunds(result.data.refund.refundRequestId)).toHaveLength(0);
  }, 60_000);

  it('unknown-exception (…081): the first answer is U, the identical resend succeeds; one refund at the simulator', async () => {
    const payment = await paidAtSimulator(100_000n);
    const result = await createRefund(deps(), admin, { paymentId: payment.id, amount: '20.81', reason: 'Item returned', operationKey: newOperationKey() });
    expect(result).toMatchObject({ ok: true, data: { state: 'pending', refund: { resultCode: 'UNKNOWN_EXCEPTION' } } });
    if (!result.ok) return;
    const settled = await until(() => refundRow(result.data.refund.id), (r) => r.status === 'SUCCEEDED');
    expect(settled.status).toBe('SUCCEEDED');
    expect(await ledgerRefunds(result.data.refund.refundRequestId)).toHaveLength(1);
  }, 60_000);

  it('a long in-process refund: three identical resends, then inquiryRefund until the simulator settles it', async () => {
    const payment = await paidAtSimulator(100_000n);
    // Driven step by step (no queue): the test decides when simulated time passes.
    const manual: RefundDeps = { db: database.db, alipay: sim.alipay, enqueue: async () => {} };
    const result = await createRefund(manual, admin, { paymentId: payment.id, amount: '50.92', reason: 'Item returned', operationKey: newOperationKey() });
    if (!result.ok) throw new Error(result.error);
    const id = result.data.refund.id;
    const steps = [];
    for (let i = 0; i < 4; i++) steps.push(await resolveRefund(manual, id));
    expect(steps).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled']);
    await sim.control('/simulator/clock/advance', { seconds: 10 });
    expect(await resolveRefund(manual, id)).toBe('settled');
    expect(await refundRow(id)).toMatchObject({ status: 'SUCCEEDED', resolverAttempts: 5 });
    const types = (await database.db.select().from(paymentEvents).where(eq(paymentEvents.refundId, id))).map((e) => e.type);
    expect(types.filter((t) => t === 'refund_resend')).toHaveLength(3);
    expect(types.filter((t) => t === 'refund_inquiry')).toHaveLength(2);
    expect(types).toContain('refund_succeeded');
    expect(await ledgerRefunds(result.data.refund.refundRequestId)).toHaveLength(1);
  }, 60_000);

  it('a process that dies after the commit (nothing enqueued) still ends right: the sweep hands the refund to a fresh worker', async () => {
    const payment = await paidAtSimulator(100_000n);
    // The "dying" process: its enqueue never happens, and its queue is gone.
    const dying: RefundDeps = { db: database.db, alipay: sim.alipay, enqueue: async () => { throw new Error('process killed'); } };
    const result = await createRefund(dying, admin, { paymentId: payment.id, amount: '60.92', reason: 'Item returned', operationKey: newOperationKey() });
    expect(result).toMatchObject({ ok: true, data: { state: 'pending' } });
    if (!result.ok) return;
    await sim.control('/simulator/clock/advance', { seconds: 10 });
    // After the restart: the cron sweep (run here by hand, with a clock past the stale limit) re-enqueues it on the live queue.
    const swept = await sweepUnsettledRefunds({ db: database.db, enqueue: queue.enqueue, now: () => new Date(Date.now() + 5 * 60_000) }, { staleMs: 60_000 });
    expect(swept).toBeGreaterThanOrEqual(1);
    const settled = await until(() => refundRow(result.data.refund.id), (r) => r.status === 'SUCCEEDED');
    expect(settled.status).toBe('SUCCEEDED');
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 6_092n, refundPendingMinor: 0n });
    expect(await ledgerRefunds(result.data.refund.refundRequestId)).toHaveLength(1);
  }, 60_000);
});
