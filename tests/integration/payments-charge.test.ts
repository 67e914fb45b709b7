import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { agreements, auditLog, paymentEvents, payments, refunds } from '@/lib/db/schema';
import { applyPaymentResult } from '@/lib/payments/apply-payment-result';
import { cancelPayment } from '@/lib/payments/cancel-payment';
import { charge } from '@/lib/payments/charge';
import { checkChargeableRemembered } from '@/lib/payments/check-chargeable';
import { payBodyAad } from '@/lib/payments/payment-deps';
import { updateMerchantSettings } from '@/lib/settings/update-merchant-settings';
import { sql } from 'drizzle-orm';
import { confirmPaymentRequest } from '@/lib/payments/confirm-payment-request';
import { createPaymentRequest } from '@/lib/payments/create-payment-request';
import { getBuyerPayment } from '@/lib/payments/get-buyer-payment';
import { formatAmount } from '@/lib/money';
import { startPaymentWorld, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

let world: PaymentWorld;

async function paymentCount(): Promise<number> {
  const [row] = await world.database.db.select({ n: count() }).from(payments);
  return row!.n;
}

describe(`charge against the simulator (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    world = await startPaymentWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it.each([
    ['KAKAOPAY', 'KRW', 9_900n, '₩9,900'],
    ['PAYPAY', 'JPY', 1_500n, '¥1,500'],
    ['ZALOPAY', 'VND', 125_000n, '₫125,000'],
    ['DANA', 'IDR', 5_000_000n, 'IDR'],
    ['GCASH', 'PHP', 12_500n, '₱125.00'],
    ['ALIPAY_CN', 'CNY', 1_250n, 'CN¥12.50'],
  ] as const)('%s charges %s in its own minor units: what we show is what the ledger debited (no 100× amounts)', async (wallet, currency, amountMinor, shown) => {
    const agreementId = await world.activeAgreement(wallet);
    const result = await charge(world.deps(), { agreementId, amountMinor, currency, description: 'Monthly plan', initiator: { kind: 'staff', actor: world.admin } });
    expect(result).toMatchObject({ ok: true, data: { payment: { status: 'SUCCEEDED', amountMinor, currency } } });
    if (!result.ok) return;
    const ledger = await world.ledgerFor(result.data.payment.paymentRequestId);
    expect(ledger).toEqual([expect.objectContaining({ kind: 'DEBIT', currency, amountMinor: amountMinor.toString() })]);
    expect(formatAmount(BigInt(ledger[0]!.amountMinor), currency)).toContain(shown === 'IDR' ? '50,000' : shown);
  });

  it('a low-balance wallet is declined with the reason in words, and nothing is debited', async () => {
    const agreementId = await world.activeAgreement('GCASH', 'low-balance');
    const result = await charge(world.deps(), { agreementId, amountMinor: 50_000n, description: 'Big order', initiator: { kind: 'schedule' } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.payment).toMatchObject({ status: 'FAILED', failureCode: 'USER_BALANCE_NOT_ENOUGH' });
    expect(result.data.payment.failureMessage).toMatch(/balance/i);
    expect(await world.ledgerFor(result.data.payment.paymentRequestId)).toEqual([]);
  });

  it('refuses bad input before any row or call: below the minimum, wrong currency, zero, empty description, unknown or malformed agreement id', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const before = { rows: await paymentCount(), calls: world.payCalls() };
    const cases = [
      [{ amountMinor: 50n }, 'amount_invalid'],
      [{ amountMinor: 0n }, 'amount_invalid'],
      [{ amountMinor: -100n }, 'amount_invalid'],
      [{ amountMinor: 1000n, currency: 'KRW' }, 'currency_mismatch'],
      [{ amountMinor: 1000n, description: '   ' }, 'description_invalid'],
      [{ amountMinor: 1000n, agreementId: randomUUID() }, 'agreement_not_found'],
      [{ amountMinor: 1000n, agreementId: 'not-a-uuid' }, 'agreement_not_found'],
    ] as const;
    for (const [override, code] of cases) {
      const result = await charge(world.deps(), { agreementId, description: 'x', initiator: { kind: 'api' }, ...override });
      expect(result, code).toMatchObject({ ok: false, code });
    }
    expect(await paymentCount()).toBe(before.rows);
    expect(world.payCalls()).toBe(before.calls);
  });

  it('20 concurrent staff charges with one operation key make one pay call; the same key with another amount is refused', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const operationKey = randomUUID();
    const before = world.payCalls();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => charge(world.deps(), { agreementId, amountMinor: 12_500n, currency: 'PHP', description: 'Order 7', operationKey, initiator: { kind: 'staff', actor: world.admin } })),
    );
    expect(world.payCalls() - before).toBe(1);
    const ids = new Set(results.map((r) => (r.ok ? r.data.payment.id : r.code)));
    expect(ids.size).toBe(1);
    const [row] = await world.database.db.select().from(payments).where(eq(payments.operationKey, operationKey));
    expect(row?.status).toBe('SUCCEEDED');
    expect(await world.ledgerFor(row!.paymentRequestId)).toHaveLength(1);
    const other = await charge(world.deps(), { agreementId, amountMinor: 13_000n, currency: 'PHP', description: 'Order 7', operationKey, initiator: { kind: 'staff', actor: world.admin } });
    expect(other).toMatchObject({ ok: false, code: 'operation_key_conflict' });
    expect(world.payCalls() - before).toBe(1);
  });

  it('a retried operation key answers with its payment even after the agreement stopped being chargeable; the row, its timeline and its audit row were written together', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const operationKey = randomUUID();
    const input = { agreementId, amountMinor: 12_500n, currency: 'PHP', description: 'Order 8', operationKey, initiator: { kind: 'staff' as const, actor: world.admin } };
    const first = await charge(world.deps(), input);
    expect(first).toMatchObject({ ok: true, data: { replayed: false, payment: { status: 'SUCCEEDED' } } });
    if (!first.ok) return;
    const events = await world.database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, first.data.payment.id));
    expect(events.map((e) => e.type).sort()).toEqual(['pay_sent', 'payment_created', 'status_changed']);
    const [audit] = await world.database.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.objectId, first.data.payment.id), eq(auditLog.action, 'payment.charge')));
    expect(audit!.n).toBe(1);

    await world.database.db.update(agreements).set({ status: 'REVOKED' }).where(eq(agreements.id, agreementId));
    const calls = world.payCalls();
    const retried = await charge(world.deps(), input);
    expect(retried).toMatchObject({ ok: true, data: { replayed: true, payment: { id: first.data.payment.id, status: 'SUCCEEDED' } } });
    expect(await charge(world.deps(), { ...input, operationKey: randomUUID() })).toMatchObject({ ok: false, code: 'agreement_not_active' });
    expect(world.payCalls()).toBe(calls);
  });

  it('an operator is held to the charge limit for the currency; none configured means admins only', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const operator = { ...world.admin, role: 'operator' as const };
    const result = await charge(world.deps(), { agreementId, amountMinor: 12_500n, description: 'x', initiator: { kind: 'staff', actor: operator } });
    expect(result).toMatchObject({ ok: false, code: 'over_operator_limit' });
    const viewer = { ...world.admin, role: 'viewer' as const };
    await expect(charge(world.deps(), { agreementId, amountMinor: 12_500n, description: 'x', initiator: { kind: 'staff', actor: viewer } })).rejects.toThrow(/payments.charge/);
  });

  it('INVALID_ACCESS_TOKEN from the wallet marks the agreement invalid with the reason, and the next charge is refused without a call', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const [agreement] = await world.database.db.select().from(agreements).where(eq(agreements.id, agreementId));
    const token = world.vault.open(agreement!.accessTokenCiphertext!, agreementTokenAad(agreementId, 'access_token', 1));
    await world.sim.control('/simulator/authorizations/revoke', { accessToken: token });
    const first = await charge(world.deps(), { agreementId, amountMinor: 10_000n, description: 'x', initiator: { kind: 'schedule' } });
    expect(first).toMatchObject({ ok: true, data: { payment: { status: 'FAILED', failureCode: 'INVALID_ACCESS_TOKEN' } } });
    const [after] = await world.database.db.select().from(agreements).where(eq(agreements.id, agreementId));
    expect(after).toMatchObject({ status: 'INVALID', failureCode: 'INVALID_ACCESS_TOKEN' });
    const calls = world.payCalls();
    const second = await charge(world.deps(), { agreementId, amountMinor: 10_000n, description: 'x', initiator: { kind: 'schedule' } });
    expect(second).toMatchObject({ ok: false, code: 'agreement_not_active' });
    if (!second.ok) expect(second.error).toMatch(/authorize again/);
    expect(world.payCalls()).toBe(calls);
  });

  it('applyPaymentResult: a repeat is a duplicate; a success after a local CANCELLED keeps CANCELLED and flags it', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const result = await charge(world.deps(), { agreementId, amountMinor: 10_000n, description: 'x', initiator: { kind: 'api' } });
    if (!result.ok) throw new Error(result.error);
    const { paymentRequestId, id } = result.data.payment;
    const at = new Date();
    expect((await applyPaymentResult(world.database.db, { paymentRequestId, outcome: 'succeeded', resultCode: 'SUCCESS', cause: 'notification', at })).kind).toBe('duplicate');
    expect((await applyPaymentResult(world.database.db, { paymentRequestId, outcome: 'cancelled', resultCode: 'SUCCESS', cause: 'cancel', at })).kind).toBe('applied');
    const late = await applyPaymentResult(world.database.db, { paymentRequestId, outcome: 'succeeded', resultCode: 'SUCCESS', cause: 'notification', at });
    expect(late.kind).toBe('flagged');
    expect(late.payment).toMatchObject({ status: 'CANCELLED' });
    expect(late.payment?.reconciliationFlag).toMatch(/succeeded/);
    expect((await applyPaymentResult(world.database.db, { paymentRequestId: 'nope', outcome: 'failed', resultCode: 'X', cause: 'notification', at })).kind).toBe('unknown_payment');
    const events = await world.database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, id));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['payment_created', 'pay_sent', 'notification', 'status_changed', 'reconciliation_flag']));
  });

  it('buyer one-click confirm: a forged form changes nothing; ten clicks at once are one pay call; the used link shows that payment', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const created = await createPaymentRequest(world.deps(), world.admin, { agreementId, amountMinor: 12_500n, description: 'Order 42' });
    if (!created.ok) throw new Error(created.error);
    const { token } = created.data;
    const calls = world.payCalls();
    expect(await confirmPaymentRequest(world.deps(), { token, formToken: 'forged' })).toMatchObject({ kind: 'forged' });
    expect(await confirmPaymentRequest(world.deps(), { token: 'x'.repeat(32), formToken: 'x' })).toMatchObject({ kind: 'unknown' });
    expect(world.payCalls()).toBe(calls);
    const page = await getBuyerPayment(world.database.db, world.vault, token);
    if (!page.ok) throw new Error('no page');
    expect(page.data).toMatchObject({ merchant: 'Sari-Sari Online', wallet: 'GCash' });
    const clicks = await Promise.all(Array.from({ length: 10 }, () => confirmPaymentRequest(world.deps(), { token, formToken: page.data.formToken })));
    expect(world.payCalls() - calls).toBe(1);
    expect(clicks.filter((c) => c.kind === 'confirmed')).toHaveLength(1);
    expect(clicks.every((c) => c.kind === 'confirmed' || c.kind === 'already_confirmed')).toBe(true);
    const later = await confirmPaymentRequest(world.deps(), { token, formToken: page.data.formToken });
    expect(later).toMatchObject({ kind: 'already_confirmed', payment: { status: 'SUCCEEDED', amountMinor: 12_500n } });
    if (later.kind === 'already_confirmed') expect(await world.ledgerFor(later.payment.paymentRequestId)).toHaveLength(1);
  });

  it('staff cancel: returns the money within the window; refused after a refund, after the window, and for a viewer — no call', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const make = async () => {
      const r = await charge(world.deps(), { agreementId, amountMinor: 20_000n, description: 'to cancel', initiator: { kind: 'api' } });
      if (!r.ok) throw new Error(r.error);
      return r.data.payment;
    };
    const first = await make();
    const cancelled = await cancelPayment(world.deps(), world.admin, { paymentId: first.id, reason: 'Customer changed their mind' });
    expect(cancelled).toMatchObject({ ok: true, data: { payment: { status: 'CANCELLED' } } });
    expect((await world.ledgerFor(first.paymentRequestId)).map((e) => e.kind)).toEqual(['DEBIT', 'CANCEL_REVERSAL']);
    expect(await cancelPayment(world.deps(), world.admin, { paymentId: first.id, reason: 'again' })).toMatchObject({ ok: false, code: 'not_cancellable' });

    const refunded = await make();
    await world.database.db.insert(refunds).values({ paymentId: refunded.id, refundRequestId: `rf_${randomUUID()}`, amountMinor: 1_000n, currency: 'PHP', status: 'SUCCEEDED', reason: 'partial' });
    expect(await cancelPayment(world.deps(), world.admin, { paymentId: refunded.id, reason: 'x' })).toMatchObject({ ok: false, code: 'has_refunds' });

    const late = await make();
    const twoDaysLater = () => new Date(Date.now() + 2 * 86_400_000);
    const refused = await cancelPayment(world.deps({ now: twoDaysLater }), world.admin, { paymentId: late.id, reason: 'x' });
    expect(refused).toMatchObject({ ok: false, code: 'window_closed' });
    if (!refused.ok) expect(refused.error).toMatch(/00:15 \(GMT\+8\)/);
    await expect(cancelPayment(world.deps(), { ...world.admin, role: 'viewer' }, { paymentId: late.id, reason: 'x' })).rejects.toThrow(/payments.cancel/);
    expect((await world.ledgerFor(late.paymentRequestId)).map((e) => e.kind)).toEqual(['DEBIT']);
    expect((await world.simPayment(late.paymentRequestId))?.status).toBe('SUCCESS');
  });

  it('a charge checked from memory still sees every change to the agreement and the settings, whoever made it', async () => {
    const db = world.database.db;
    const agreementId = await world.activeAgreement('GCASH');
    const input = { agreementId, amountMinor: 1_000n, currency: 'PHP', now: new Date() };
    // The first check reads; the next is answered from memory, with the versions its write must still find.
    expect((await checkChargeableRemembered(db, world.vault, input)).ok).toBe(true);
    const again = await checkChargeableRemembered(db, world.vault, input);
    expect(again).toMatchObject({ ok: true, guard: { agreementId, agreementVersion: expect.stringMatching(/^\d+$/) } });
    // Bad input is still refused from memory, before any row or call.
    const calls = world.payCalls();
    expect(await charge(world.deps(), { agreementId, amountMinor: 50n, description: 'x', initiator: { kind: 'api' } })).toMatchObject({ ok: false, code: 'amount_invalid' });
    expect(world.payCalls()).toBe(calls);

    const bodyOf = async (paymentId: string) => {
      const row = await world.load(paymentId);
      return JSON.parse(world.vault.open(row.requestBodyCiphertext!, payBodyAad(paymentId))) as { paymentMethod: { paymentMethodId: string }; order: { merchant: { merchantName: string } } };
    };
    const pay = () => charge(world.deps(), { agreementId, amountMinor: 1_000n, description: 'Plan', initiator: { kind: 'api' } });
    const first = await pay();
    expect(first).toMatchObject({ ok: true, data: { payment: { status: 'SUCCEEDED' } } });

    // The settings change (the merchant name the wallet shows): the next charge carries the new name.
    await updateMerchantSettings(db, world.admin, { merchantName: 'Renamed Shop' });
    const renamed = await pay();
    expect(renamed.ok && (await bodyOf(renamed.data.payment.id)).order.merchant.merchantName).toBe('Renamed Shop');

    // Another instance re-seals the token (as a key rotation does): the remembered ciphertext is stale, the guarded
    // write notices, and the charge goes through from a fresh read with the token as it now stands.
    const [row] = await db.select().from(agreements).where(eq(agreements.id, agreementId));
    const token = world.vault.open(row!.accessTokenCiphertext!, agreementTokenAad(agreementId, 'access_token', row!.tokenKeyVersion ?? 1));
    await db.execute(sql`update agreements set access_token_ciphertext = ${world.vault.seal(`${token}`, agreementTokenAad(agreementId, 'access_token', row!.tokenKeyVersion ?? 1))} where id = ${agreementId}::uuid`);
    const refreshed = await pay();
    expect(refreshed).toMatchObject({ ok: true, data: { payment: { status: 'SUCCEEDED' } } });
    expect(refreshed.ok && (await bodyOf(refreshed.data.payment.id)).paymentMethod.paymentMethodId).toBe(token);

    // Another instance revokes it: refused as before, no row, no call.
    await db.execute(sql`update agreements set status = 'REVOKED' where id = ${agreementId}::uuid`);
    const before = { rows: await paymentCount(), calls: world.payCalls() };
    expect(await pay()).toMatchObject({ ok: false, code: 'agreement_not_active' });
    expect(await paymentCount()).toBe(before.rows);
    expect(world.payCalls()).toBe(before.calls);
  });
  it('charges of one agreement that miss the memory together share one read, and each write is guarded by it', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    // Count the chargeable reads that reach the database (the db object is the memory's key, so use one proxy).
    let reads = 0;
    const real = world.database.db;
    const session = new Proxy((real as unknown as { session: object }).session, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (key !== 'prepareQuery' || typeof value !== 'function') return value;
        return (query: { sql: string }, ...rest: unknown[]) => {
          if (query.sql.includes('agreement_version')) reads++;
          return (value as (...a: unknown[]) => unknown).call(target, query, ...rest);
        };
      },
    });
    const db = new Proxy(real, { get: (target, key, receiver) => (key === 'session' ? session : Reflect.get(target, key, receiver)) });
    const input = { agreementId, amountMinor: 1_000n, currency: 'PHP', now: new Date() };
    const checks = await Promise.all(Array.from({ length: 8 }, () => checkChargeableRemembered(db, world.vault, input)));
    expect(reads).toBe(1);
    for (const checked of checks) expect(checked).toMatchObject({ ok: true, guard: { agreementId, agreementVersion: expect.stringMatching(/^\d+$/) } });
    // A change after the shared read: a write guarded by it writes nothing (the charge then reads afresh).
    await real.execute(sql`update agreements set status = 'REVOKED' where id = ${agreementId}::uuid`);
    const before = { rows: await paymentCount(), calls: world.payCalls() };
    expect(await charge({ ...world.deps(), db }, { agreementId, amountMinor: 1_000n, description: 'Plan', initiator: { kind: 'api' } })).toMatchObject({ ok: false, code: 'agreement_not_active' });
    expect(await paymentCount()).toBe(before.rows);
    expect(world.payCalls()).toBe(before.calls);
  });
});
