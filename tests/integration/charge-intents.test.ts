import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNotification, type AlipayPaymentNotification } from '@/lib/alipay';
import { agreements, chargeIntents, payments } from '@/lib/db/schema';
import { findIntentByKey } from '@/lib/intents/find-intent';
import type { JobDefinition } from '@/lib/jobs/define-job';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { applyPaymentNotification } from '@/lib/notifications/apply-payment-notification';
import { cancelPayment } from '@/lib/payments/cancel-payment';
import { charge, type ChargeInput } from '@/lib/payments/charge';
import { createPaymentRequest } from '@/lib/payments/create-payment-request';
import type { PaymentDeps } from '@/lib/payments/payment-deps';
import { resolvePaymentJob } from '@/lib/payments/resolve-payment.job';
import { createRefund } from '@/lib/refunds/create-refund';
import { startPaymentWorld, waitForFinal, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

let world: PaymentWorld;
let queue: JobQueue;
const JOBS = [resolvePaymentJob] as unknown as JobDefinition<never>[];

function deps(overrides: Partial<PaymentDeps> = {}): PaymentDeps {
  return world.deps({ enqueue: (...args) => queue.enqueue(...args), ...overrides });
}

const staff = (): ChargeInput['initiator'] => ({ kind: 'staff', actor: world.admin });

async function attemptsOf(businessKey: string) {
  return (await findIntentByKey(world.database.db, businessKey))?.attempts ?? [];
}

async function debitsFor(businessKey: string): Promise<number> {
  let debits = 0;
  for (const attempt of await attemptsOf(businessKey)) debits += (await world.ledgerFor(attempt.paymentRequestId)).filter((e) => e.kind === 'DEBIT').length;
  return debits;
}

describe(`charge intents: one debit per order reference (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    world = await startPaymentWorld();
    queue = await startJobQueue(world.database, {
      work: true,
      jobs: JOBS,
      context: { db: world.database.db, alipay: world.alipay, vault: world.vault, now: () => new Date() },
      pollingIntervalSeconds: 0.5,
    });
  }, 60_000);
  afterAll(async () => {
    await queue?.stop(5_000);
    await world?.close();
  });

  it('a pay that times out is UNKNOWN; the same reference again and 20 concurrent submits with fresh operation keys add no attempt; the resend ends it with one debit', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const reference = `bill-${randomUUID().slice(0, 8)}`;
    const input = { agreementId, amountMinor: 10_071n, currency: 'PHP', description: 'November bill', referenceOrderId: reference, initiator: staff() };
    const first = await charge(deps(), { ...input, operationKey: `staff:${randomUUID()}` });
    expect(first).toMatchObject({ ok: true, data: { outcome: 'created', payment: { status: 'UNKNOWN', attemptNumber: 1 }, intent: { businessKey: reference, status: 'open' } } });
    const callsAfterFirst = world.payCalls();

    // The same person confirming again (a fresh form, so a fresh operation key).
    const again = await charge(deps(), { ...input, operationKey: `staff:${randomUUID()}` });
    expect(again).toMatchObject({ ok: true, data: { outcome: 'existing', replayed: true } });
    // Twenty at once (two tabs, a colleague, a retried request), each with its own operation key.
    const storm = await Promise.all(Array.from({ length: 20 }, () => charge(deps(), { ...input, operationKey: `staff:${randomUUID()}` })));
    for (const r of storm) expect(r).toMatchObject({ ok: true, data: { outcome: 'existing' } });
    expect((await attemptsOf(reference)).length).toBe(1);
    // Only the resolver's resends of the same request may have gone out since.
    const resends = world.payCalls() - callsAfterFirst;
    expect(resends).toBeLessThanOrEqual(3);

    const final = await waitForFinal(world, first.ok ? first.data.payment.id : '');
    expect(final.status).toBe('SUCCEEDED');
    expect(await debitsFor(reference)).toBe(1);
    // Paid: the same reference now answers "already paid", still with nothing sent.
    const calls = world.payCalls();
    const late = await charge(deps(), { ...input, operationKey: `staff:${randomUUID()}` });
    expect(late).toMatchObject({ ok: true, data: { outcome: 'existing', payment: { status: 'SUCCEEDED' }, intent: { status: 'succeeded' } } });
    expect(world.payCalls()).toBe(calls);
  }, 90_000);

  it('the same reference with another amount, or on another agreement, is refused with a sentence and sends nothing', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const other = await world.activeAgreement('GCASH');
    const reference = `bill-${randomUUID().slice(0, 8)}`;
    const first = await charge(deps(), { agreementId, amountMinor: 12_500n, description: 'Plan', referenceOrderId: reference, initiator: { kind: 'api' } });
    expect(first).toMatchObject({ ok: true, data: { payment: { status: 'SUCCEEDED' } } });
    const calls = world.payCalls();
    const otherAmount = await charge(deps(), { agreementId, amountMinor: 13_000n, description: 'Plan', referenceOrderId: reference, initiator: { kind: 'api' } });
    expect(otherAmount).toMatchObject({ ok: false, code: 'reference_conflict' });
    expect(otherAmount.ok ? '' : otherAmount.error).toMatch(/already used for ₱125\.00/);
    const otherAgreement = await charge(deps(), { agreementId: other, amountMinor: 12_500n, description: 'Plan', referenceOrderId: reference, initiator: { kind: 'api' } });
    expect(otherAgreement).toMatchObject({ ok: false, code: 'reference_conflict' });
    expect(otherAgreement.ok ? '' : otherAgreement.error).toMatch(/another agreement/);
    const malformed = await charge(deps(), { agreementId, amountMinor: 12_500n, description: 'Plan', referenceOrderId: 'has spaces in it', initiator: { kind: 'api' } });
    expect(malformed).toMatchObject({ ok: false, code: 'reference_invalid' });
    expect(world.payCalls()).toBe(calls);
  });

  it('a soft decline may be retried under the same reference (new request id) up to the policy; then it is refused', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const reference = `bill-${randomUUID().slice(0, 8)}`;
    const input = { agreementId, amountMinor: 10_051n, description: 'Plan', referenceOrderId: reference, initiator: { kind: 'api' } as const };
    const one = await charge(deps(), input);
    expect(one).toMatchObject({ ok: true, data: { outcome: 'created', payment: { status: 'FAILED', failureCode: 'USER_BALANCE_NOT_ENOUGH' }, intent: { status: 'failed' } } });
    const two = await charge(deps(), input);
    expect(two).toMatchObject({ ok: true, data: { outcome: 'retried', payment: { attemptNumber: 2, status: 'FAILED' } } });
    const three = await charge(deps(), input);
    expect(three).toMatchObject({ ok: true, data: { outcome: 'retried', payment: { attemptNumber: 3 } } });
    const four = await charge(deps(), input);
    expect(four).toMatchObject({ ok: false, code: 'intent_closed' });
    const attempts = await attemptsOf(reference);
    expect(new Set(attempts.map((a) => a.paymentRequestId)).size).toBe(3);
  });

  it('the database refuses a second open attempt, and any attempt after a success, whatever the code does', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const reference = `bill-${randomUUID().slice(0, 8)}`;
    const paid = await charge(deps(), { agreementId, amountMinor: 5_000n, description: 'Plan', referenceOrderId: reference, initiator: { kind: 'api' } });
    if (!paid.ok) throw new Error(paid.error);
    const db = world.database.db;
    const insertAttempt = (status: string, attempt: number) =>
      db.execute(sql`insert into payments (intent_id, attempt_number, agreement_id, customer_id, payment_method, payment_request_id, amount_minor, currency, status, reference_order_id, description, initiator)
        select intent_id, ${attempt}, agreement_id, customer_id, payment_method, ${`pay_${randomUUID()}`}, amount_minor, currency, ${status}::payment_status, reference_order_id, description, initiator
        from payments where id = ${paid.data.payment.id}::uuid`);
    // The attempt guard (trigger): no attempt after one that moved money.
    await expect(insertAttempt('CREATED', 2)).rejects.toMatchObject({ code: '23505', constraint_name: 'payments_attempt_guard' });
    await expect(insertAttempt('FAILED', 2)).rejects.toMatchObject({ code: '23505', constraint_name: 'payments_attempt_guard' });
    // Behind it, the partial unique indexes hold on their own (the guard switched off inside a transaction that is undone).
    const withoutGuard = (status: string) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`alter table payments disable trigger payments_attempt_guard`);
        await tx.execute(sql`insert into payments (intent_id, attempt_number, agreement_id, customer_id, payment_method, payment_request_id, amount_minor, currency, status, reference_order_id, description, initiator)
          select intent_id, 2, agreement_id, customer_id, payment_method, ${`pay_${randomUUID()}`}, amount_minor, currency, ${status}::payment_status, reference_order_id, description, initiator
          from payments where id = ${paid.data.payment.id}::uuid`);
      });
    await expect(withoutGuard('SUCCEEDED')).rejects.toMatchObject({ code: '23505', constraint_name: 'payments_one_succeeded_attempt' });
    await db.update(payments).set({ status: 'UNKNOWN' }).where(eq(payments.id, paid.data.payment.id));
    await expect(withoutGuard('CREATED')).rejects.toMatchObject({ code: '23505', constraint_name: 'payments_one_open_attempt' });
    await db.update(payments).set({ status: 'SUCCEEDED' }).where(eq(payments.id, paid.data.payment.id));
    expect((await attemptsOf(reference)).length).toBe(1);
  });

  it('a pay timeout followed by an INVALID_ACCESS_TOKEN notification ends the agreement, and the next charge is refused locally', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    // The resolver is not asked (no enqueue): the notification is the only answer.
    const first = await charge(world.deps(), { agreementId, amountMinor: 10_071n, description: 'Plan', initiator: { kind: 'api' } });
    expect(first).toMatchObject({ ok: true, data: { payment: { status: 'UNKNOWN' } } });
    if (!first.ok) return;
    const body = {
      notifyType: 'PAYMENT_RESULT',
      result: { resultCode: 'INVALID_ACCESS_TOKEN', resultStatus: 'F', resultMessage: 'access token is invalid' },
      paymentRequestId: first.data.payment.paymentRequestId,
      paymentId: `2026${randomUUID().replaceAll('-', '').slice(0, 20)}`,
      paymentAmount: { currency: 'PHP', value: '10071' },
    };
    const notification = parseNotification(JSON.stringify(body)) as AlipayPaymentNotification;
    const effect = await world.database.db.transaction((tx) => applyPaymentNotification(tx, notification, new Date()));
    expect(effect.outcome).toBe('applied');
    const [agreement] = await world.database.db.select().from(agreements).where(eq(agreements.id, agreementId));
    expect(agreement).toMatchObject({ status: 'INVALID', failureCode: 'INVALID_ACCESS_TOKEN' });
    const calls = world.payCalls();
    const next = await charge(world.deps(), { agreementId, amountMinor: 5_000n, description: 'Plan', initiator: { kind: 'api' } });
    expect(next).toMatchObject({ ok: false, code: 'agreement_not_active' });
    expect(world.payCalls()).toBe(calls);
  });

  it('a success reported for another amount is flagged for a person, not applied', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const first = await charge(world.deps(), { agreementId, amountMinor: 10_071n, description: 'Plan', initiator: { kind: 'api' } });
    if (!first.ok) throw new Error(first.error);
    const body = {
      notifyType: 'PAYMENT_RESULT',
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      paymentRequestId: first.data.payment.paymentRequestId,
      paymentId: `2026${randomUUID().replaceAll('-', '').slice(0, 20)}`,
      paymentAmount: { currency: 'PHP', value: '99999' },
      paymentTime: '2026-12-01T23:59:58+08:00',
    };
    const notification = parseNotification(JSON.stringify(body)) as AlipayPaymentNotification;
    const effect = await world.database.db.transaction((tx) => applyPaymentNotification(tx, notification, new Date()));
    expect(effect.outcome).toBe('flagged');
    const row = await world.load(first.data.payment.id);
    expect(row.status).toBe('UNKNOWN');
    expect(row.reconciliationFlag).toMatch(/99999 PHP.*10071 PHP; not applied/);
  });

  it("Antom's paymentTime from the answer is stored (reconciliation's day)", async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const paid = await charge(world.deps(), { agreementId, amountMinor: 5_000n, description: 'Plan', initiator: { kind: 'api' } });
    if (!paid.ok) throw new Error(paid.error);
    expect(paid.data.payment.paymentTime).toBeInstanceOf(Date);
  });

  it('10 concurrent cancels of one payment make one cancel call', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const paid = await charge(world.deps(), { agreementId, amountMinor: 5_000n, description: 'Plan', initiator: { kind: 'api' } });
    if (!paid.ok) throw new Error(paid.error);
    let cancelCalls = 0;
    const alipay = { ...world.alipay, cancel: ((input, options) => (cancelCalls++, world.alipay.cancel(input, options))) as typeof world.alipay.cancel };
    const results = await Promise.all(Array.from({ length: 10 }, () => cancelPayment(world.deps({ alipay }), world.admin, { paymentId: paid.data.payment.id, reason: 'Customer asked' })));
    expect(cancelCalls).toBe(1);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((r) => !r.ok)) expect(r).toMatchObject({ ok: false, code: expect.stringMatching(/cancel_in_progress|not_cancellable/) });
    expect((await world.load(paid.data.payment.id)).status).toBe('CANCELLED');
  });

  it('a refund and a cancel racing on one payment, 50 times: never both applied unflagged', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    let bothApplied = 0;
    for (let i = 0; i < 50; i++) {
      const paid = await charge(world.deps(), { agreementId, amountMinor: 5_000n, description: `Race ${i}`, initiator: { kind: 'api' } });
      if (!paid.ok) throw new Error(paid.error);
      const id = paid.data.payment.id;
      const refund = () => createRefund({ db: world.database.db, alipay: world.alipay, enqueue: async () => {}, refundNotifyUrl: undefined }, world.admin, { paymentId: id, amount: '10.00', reason: 'Race test', operationKey: randomUUID().replaceAll('-', '') });
      const cancel = () => cancelPayment(world.deps(), world.admin, { paymentId: id, reason: 'Race test' });
      // Alternate which starts first, so both orders are exercised.
      let r: Awaited<ReturnType<typeof refund>>;
      let c: Awaited<ReturnType<typeof cancel>>;
      if (i % 2 === 0) [r, c] = await Promise.all([refund(), cancel()]);
      else [c, r] = await Promise.all([cancel(), refund()]);
      const row = await world.load(id);
      const refundApplied = r.ok;
      const cancelApplied = c.ok && row.status === 'CANCELLED';
      if (refundApplied && cancelApplied && !row.reconciliationFlag) bothApplied++;
      expect(refundApplied && cancelApplied).toBe(false);
    }
    expect(bothApplied).toBe(0);
  }, 120_000);

  it('a second payment link for the same reference is refused with the first link\'s state', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const reference = `bill-${randomUUID().slice(0, 8)}`;
    const first = await createPaymentRequest(world.deps(), world.admin, { agreementId, amountMinor: 5_000n, description: 'Plan', referenceOrderId: reference });
    expect(first).toMatchObject({ ok: true, data: { orderReference: reference } });
    const second = await createPaymentRequest(world.deps(), world.admin, { agreementId, amountMinor: 5_000n, description: 'Plan', referenceOrderId: reference });
    expect(second).toMatchObject({ ok: false, code: 'reference_in_use' });
    expect(second.ok ? '' : second.error).toMatch(/waiting for the buyer/);
    const [n] = await world.database.db.select({ n: sql<number>`count(*)::int` }).from(chargeIntents).where(eq(chargeIntents.businessKey, reference));
    expect(n!.n).toBe(1);
    const [p] = await world.database.db.select({ n: sql<number>`count(*)::int` }).from(payments).where(eq(payments.referenceOrderId, reference));
    expect(p!.n).toBe(1);
  });
});
