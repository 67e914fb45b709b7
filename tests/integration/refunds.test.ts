import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { ForbiddenError } from '@/lib/auth/permissions';
import type { Database } from '@/lib/db/client';
import { auditLog, merchantSettings, paymentEvents, payments, refunds } from '@/lib/db/schema';
import { applyRefundResult } from '@/lib/refunds/apply-refund-result';
import { createRefund } from '@/lib/refunds/create-refund';
import { REFUND_RESOLVE_JOB, type RefundDeps } from '@/lib/refunds/refund-deps';
import { resolveRefund } from '@/lib/refunds/resolve-refund';
import { sweepUnsettledRefunds } from '@/lib/refunds/sweep-unsettled-refunds';
import { newOperationKey, recordingEnqueue, scriptedAlipay, seedActor, seedSucceededPayment, type ScriptedAnswer } from '../helpers/refund-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
let admin: Actor;
let operator: Actor;
let viewer: Actor;

function depsWith(answers: (name: 'refund' | 'inquiryRefund', input: Record<string, unknown>) => ReturnType<Parameters<typeof scriptedAlipay>[0]>) {
  const alipay = scriptedAlipay(answers);
  const queue = recordingEnqueue();
  const deps: RefundDeps = { db: database.db, alipay: alipay.alipay, enqueue: queue.enqueue, refundNotifyUrl: 'http://localhost:3000/api/alipay/notify/refund' };
  return { deps, calls: alipay.calls, jobs: queue.jobs };
}
const always = (answer: ScriptedAnswer) => depsWith(() => answer);

async function paymentRow(id: string) {
  const [row] = await database.db.select().from(payments).where(eq(payments.id, id));
  return row!;
}
async function refundCount(paymentId: string) {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(refunds).where(eq(refunds.paymentId, paymentId));
  return row!.n;
}

describe(`refunds (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await seedActor(database.db, 'admin');
    operator = await seedActor(database.db, 'operator');
    viewer = await seedActor(database.db, 'viewer');
    await database.db.insert(merchantSettings).values({ id: 1, operatorRefundLimits: { PHP: '5000' } });
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('50 concurrent refunds of 30.00 on a 100.00 payment: exactly 3 accepted, 90.00 refunded, never over-refunded', async () => {
    const payment = await seedSucceededPayment(database.db, { amountMinor: 10_000n });
    const { deps, calls } = always('S');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => createRefund(deps, admin, { paymentId: payment.id, amount: '30.00', reason: 'Duplicate order', operationKey: newOperationKey() })),
    );
    const accepted = results.filter((r) => r.ok);
    expect(accepted).toHaveLength(3);
    const refused = results.filter((r) => !r.ok);
    expect(new Set(refused.map((r) => (r.ok ? '' : r.code)))).toEqual(new Set(['exceeds_refundable']));
    expect(refused[0]).toMatchObject({ error: expect.stringMatching(/Only ₱10\.00 is left|Nothing is left|still being refunded/) });
    // Only the three winners ever reached Antom.
    expect(calls.filter((c) => c.name === 'refund')).toHaveLength(3);
    const row = await paymentRow(payment.id);
    expect(row.refundedMinor).toBe(9_000n);
    expect(row.refundPendingMinor).toBe(0n);
    expect(await refundCount(payment.id)).toBe(3);
  }, 60_000);

  it('a double submit (same operation key, 10 at once) is one refund and one call; the key with another amount is refused', async () => {
    const payment = await seedSucceededPayment(database.db, { amountMinor: 10_000n });
    const { deps, calls } = always('S');
    const key = newOperationKey();
    const results = await Promise.all(Array.from({ length: 10 }, () => createRefund(deps, admin, { paymentId: payment.id, amount: '25.00', reason: 'Damaged item', operationKey: key })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(results.map((r) => (r.ok ? r.data.refund.id : '')))).toHaveProperty('size', 1);
    expect(calls).toHaveLength(1);
    expect((await paymentRow(payment.id)).refundedMinor).toBe(2_500n);
    const other = await createRefund(deps, admin, { paymentId: payment.id, amount: '26.00', reason: 'Damaged item', operationKey: key });
    expect(other).toMatchObject({ ok: false, code: 'operation_key_reused' });
    expect(calls).toHaveLength(1);
  });

  it('partial refunds add up to a full refund, then nothing is left', async () => {
    const payment = await seedSucceededPayment(database.db, { amountMinor: 12_500n });
    const { deps } = always('S');
    expect(await createRefund(deps, admin, { paymentId: payment.id, amount: '25.00', reason: 'Partial', operationKey: newOperationKey() })).toMatchObject({ ok: true, data: { state: 'succeeded' } });
    expect(await createRefund(deps, admin, { paymentId: payment.id, amount: '100.00', reason: 'Rest', operationKey: newOperationKey() })).toMatchObject({ ok: true });
    expect(await createRefund(deps, admin, { paymentId: payment.id, amount: '1.00', reason: 'More', operationKey: newOperationKey() })).toMatchObject({
      ok: false,
      code: 'exceeds_refundable',
      error: 'Nothing is left to refund on this payment.',
    });
    expect((await paymentRow(payment.id)).refundedMinor).toBe(12_500n);
  });

  it.each([
    ['a failed payment', { status: 'FAILED' as const }, { amount: '1.00' }, 'admin', 'payment_not_refundable', /only a successful payment/i],
    ['too many decimals for PHP', {}, { amount: '1.005' }, 'admin', 'invalid_amount', /2 decimal places/],
    ['zero', {}, { amount: '0' }, 'admin', 'invalid_amount', /above zero/],
    ['a negative amount', {}, { amount: '-5' }, 'admin', 'invalid_amount', /above zero/],
    ['grouping in the wrong place', {}, { amount: '1,00' }, 'admin', 'invalid_amount', /groups of three/],
    ['more than is left', {}, { amount: '100.01' }, 'admin', 'exceeds_refundable', /Only ₱100\.00 is left/],
    ['below GCash’s minimum', {}, { amount: '0.50' }, 'admin', 'invalid_amount', /at least ₱1\.00/],
    ['beyond the operator limit', {}, { amount: '100.00' }, 'operator', 'over_operator_limit', /up to ₱50\.00 at a time; ask an admin to refund ₱100\.00/],
    ['an operator in a currency without a limit', { currency: 'KRW', paymentMethod: 'KAKAOPAY' }, { amount: '1,000' }, 'operator', 'over_operator_limit', /No operator refund limit is set for KRW/],
    ['outside the refund window', { succeededAt: new Date(Date.now() - 400 * 86_400_000) }, { amount: '1.00' }, 'admin', 'refund_window_passed', /365 days/],
    ['below Kakao Pay’s 50 KRW minimum', { currency: 'KRW', paymentMethod: 'KAKAOPAY' }, { amount: '49' }, 'admin', 'invalid_amount', /at least ₩50/],
  ] as const)('refuses %s with a sentence, before any call, changing nothing', async (_name, seed, input, who, code, message) => {
    const payment = await seedSucceededPayment(database.db, { amountMinor: 10_000n, ...seed });
    const { deps, calls } = always('S');
    const actor = who === 'operator' ? operator : admin;
    const audits = (await database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0]!.n;
    const result = await createRefund(deps, actor, { paymentId: payment.id, reason: 'Customer asked', operationKey: newOperationKey(), ...input });
    expect(result).toMatchObject({ ok: false, code, error: expect.stringMatching(message) });
    expect(calls).toHaveLength(0);
    expect(await refundCount(payment.id)).toBe(0);
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 0n, refundPendingMinor: 0n });
    expect((await database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0]!.n).toBe(audits);
  });

  it('refuses a viewer in the service itself (not only in the action)', async () => {
    const payment = await seedSucceededPayment(database.db, { amountMinor: 10_000n });
    const { deps, calls } = always('S');
    await expect(createRefund(deps, viewer, { paymentId: payment.id, amount: '1.00', reason: 'Customer asked', operationKey: newOperationKey() })).rejects.toBeInstanceOf(ForbiddenError);
    expect(calls).toHaveLength(0);
    expect(await refundCount(payment.id)).toBe(0);
  });

  it('F releases the reservation and says why; the row, audit and timeline remain', async () => {
    const payment = await seedSucceededPayment(database.db, { amountMinor: 10_000n });
    const { deps } = always('F');
    const result = await createRefund(deps, admin, { paymentId: payment.id, amount: '40.00', reason: 'Customer asked', operationKey: newOperationKey() });
    expect(result).toMatchObject({ ok: false, code: 'refund_declined', error: expect.stringMatching(/declined/) });
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 0n, refundPendingMinor: 0n });
    const [row] = await database.db.select().from(refunds).where(eq(refunds.paymentId, payment.id));
    expect(row).toMatchObject({ status: 'FAILED', failureCode: 'MERCHANT_BALANCE_NOT_ENOUGH' });
    const events = await database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, payment.id));
    expect(events.map((e) => e.type).sort()).toEqual(['refund_answer', 'refund_failed', 'refund_requested']);
  });

  it.each(['U', 'timeout'] as const)('%s keeps the reservation, hands the refund to the resolver, which resends identically then inquires until final', async (first) => {
    const payment = await seedSucceededPayment(database.db, { amountMinor: 10_000n });
    let refundCalls = 0;
    let inquiries = 0;
    const { deps, calls, jobs } = depsWith((name) => {
      if (name === 'refund') return ++refundCalls === 1 ? first : 'U';
      return ++inquiries < 3 ? { inquiry: 'PROCESSING' } : { inquiry: 'SUCCESS' };
    });
    const result = await createRefund(deps, admin, { paymentId: payment.id, amount: '30.00', reason: 'Customer asked', operationKey: newOperationKey() });
    expect(result).toMatchObject({ ok: true, data: { state: 'pending', refund: { status: 'UNKNOWN' } } });
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 0n, refundPendingMinor: 3_000n });
    expect(jobs).toEqual([{ name: REFUND_RESOLVE_JOB, data: { refundId: result.ok ? result.data.refund.id : '' }, startAfterSeconds: 2 }]);
    // The remaining 70.00 can still be refunded meanwhile, but not 70.01.
    expect(await createRefund(deps, admin, { paymentId: payment.id, amount: '70.01', reason: 'x too much', operationKey: newOperationKey() })).toMatchObject({ code: 'exceeds_refundable' });
    const refundId = result.ok ? result.data.refund.id : '';
    const steps: string[] = [];
    for (let i = 0; i < 10; i++) {
      const step = await resolveRefund(deps, refundId);
      steps.push(step);
      if (step !== 'scheduled') break;
    }
    expect(steps).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled', 'scheduled', 'settled']);
    const refundBodies = calls.filter((c) => c.name === 'refund');
    expect(refundBodies).toHaveLength(4); // first send + 3 identical resends
    expect(new Set(refundBodies.map((c) => c.sha256)).size).toBe(1);
    expect(calls.filter((c) => c.name === 'inquiryRefund')).toHaveLength(3);
    // Back-off: 2 s between resends, then 2, 4, 8 … between inquiries.
    expect(jobs.slice(1).map((j) => j.startAfterSeconds)).toEqual([2, 2, 2, 4, 8]);
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 3_000n, refundPendingMinor: 0n });
    expect(await resolveRefund(deps, refundId)).toBe('already_final');
  });

  it('a late notification after the resolver settled is a duplicate; a contradicting one is recorded, never applied', async () => {
    const payment = await seedSucceededPayment(database.db, { amountMinor: 10_000n });
    const { deps } = always('S');
    const created = await createRefund(deps, admin, { paymentId: payment.id, amount: '10.00', reason: 'Customer asked', operationKey: newOperationKey() });
    if (!created.ok) throw new Error(created.error);
    const base = { refundRequestId: created.data.refund.refundRequestId, resultCode: 'SUCCESS', cause: 'notification' as const, at: new Date() };
    expect(await database.db.transaction((tx) => applyRefundResult(tx, { ...base, outcome: 'succeeded' }))).toMatchObject({ kind: 'duplicate' });
    expect(await database.db.transaction((tx) => applyRefundResult(tx, { ...base, outcome: 'failed', resultCode: 'PROCESS_FAIL' }))).toMatchObject({ kind: 'duplicate', refund: { status: 'SUCCEEDED' } });
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 1_000n, refundPendingMinor: 0n });
    const types = (await database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, payment.id))).map((e) => e.type);
    expect(types).toContain('refund_contradiction');
    expect(await database.db.transaction((tx) => applyRefundResult(tx, { ...base, refundRequestId: 'rf_nobody' , outcome: 'succeeded' }))).toEqual({ kind: 'unknown_refund', refund: null });
  });

  it('the sweep hands refunds nobody follows (crash after commit) back to the resolver', async () => {
    const payment = await seedSucceededPayment(database.db, { amountMinor: 10_000n });
    const { deps, jobs } = always('timeout');
    const created = await createRefund(deps, admin, { paymentId: payment.id, amount: '5.00', reason: 'Customer asked', operationKey: newOperationKey() });
    if (!created.ok) throw new Error(created.error);
    jobs.length = 0;
    const later = { ...deps, now: () => new Date(Date.now() + 10 * 60_000) };
    expect(await sweepUnsettledRefunds(later, { staleMs: 60_000 })).toBeGreaterThanOrEqual(1);
    expect(jobs.map((j) => j.data.refundId)).toContain(created.data.refund.id);
  });
});
