import { randomBytes, randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlipayNetworkError,
  ENDPOINTS,
  parseNotification,
  serializeRequest,
  type AlipayCallResult,
  type AlipayClient,
  type AlipayPaymentNotification,
  type EndpointName,
  type EndpointRequest,
} from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import { agreementTokenAad, TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { agreements, chargeIntents, customers, payments, refunds, type Payment } from '@/lib/db/schema';
import { applyPaymentNotification } from '@/lib/notifications/apply-payment-notification';
import { cancelPayment } from '@/lib/payments/cancel-payment';
import { charge } from '@/lib/payments/charge';
import type { PaymentDeps } from '@/lib/payments/payment-deps';
import { resolvePayment } from '@/lib/payments/resolve-payment';
import { createRefund } from '@/lib/refunds/create-refund';
import type { RefundDeps } from '@/lib/refunds/refund-deps';
import { resolveRefund } from '@/lib/refunds/resolve-refund';
import { seedActor } from '../helpers/refund-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

/**
 * A model check of charge intents (issue 19): random histories over one agreement — charges with repeated or new
 * order references (sometimes another amount), pay outcomes S / F / U / timeout before or after the debit,
 * truthful notifications delivered late, duplicated and out of order, resolver steps with the clock moved,
 * cancels and refunds — run through the real services and database against an in-memory Antom that keeps a
 * ledger by Antom's rules (idempotent per request id, a payment closed at its expiry can no longer be made). After
 * each history every open attempt and refund is settled by the resolvers, and then:
 * - no intent has two SUCCEEDED attempts, and no order reference was debited twice in Antom's ledger;
 * - no payment is over-refunded, in the portal or in the ledger;
 * - no payment holds a cancel and a refund without a flag for a person;
 * - the portal's totals (succeeded, cancelled, refunded) equal the ledger's.
 */

type PayBehavior = 'S' | 'F' | 'U' | 'timeout-before' | 'timeout-after';

interface AntomPayment {
  paymentId: string;
  amountMinor: bigint;
  currency: string;
  status: 'SUCCESS' | 'FAIL' | 'CANCELLED';
  everSucceeded: boolean;
  refunds: Map<string, bigint>;
}

/** A small in-memory Antom: the ledger, and answers shaped as the client gives them to classifyCall. */
function fakeAntom(clock: () => Date) {
  const byRequestId = new Map<string, AntomPayment>();
  const closed = new Set<string>();
  const nextBehaviors: PayBehavior[] = [];
  const refundBehaviors: ('S' | 'timeout')[] = [];
  const answer = (resultStatus: 'S' | 'F' | 'U', resultCode: string, extra: Record<string, unknown> = {}) => {
    const result = { resultStatus, resultCode, resultMessage: resultCode.toLowerCase() };
    return { outcome: resultStatus === 'S' ? 'success' : resultStatus === 'F' ? 'failed' : 'unknown', result, data: { result, ...extra }, signatureVerified: true, attempts: 1, durationMs: 1 } as unknown as AlipayCallResult<never>;
  };
  const timeout = () => new AlipayNetworkError('TIMEOUT', 'no answer in time', 1);
  const payAnswer = (id: string, p: AntomPayment) => {
    const fields = { paymentRequestId: id, paymentId: p.paymentId, paymentAmount: { currency: p.currency, value: p.amountMinor.toString() }, paymentTime: clock().toISOString() };
    if (p.status === 'SUCCESS') return answer('S', 'SUCCESS', fields);
    if (p.status === 'CANCELLED') return answer('F', 'ORDER_IS_CLOSED', fields);
    return answer('F', 'USER_BALANCE_NOT_ENOUGH', fields);
  };
  const findByAntomId = (paymentId: string) => [...byRequestId.values()].find((p) => p.paymentId === paymentId);
  const serialize = <N extends EndpointName>(name: N, input: EndpointRequest<N>) => serializeRequest(name, ENDPOINTS[name] as never, (name === 'pay' ? { productCode: 'AGREEMENT_PAYMENT', ...(input as object) } : input) as never);

  const alipay = {
    serialize,
    worstCaseCallMs: () => 1_000,
    request: (() => Promise.reject(new Error('not modelled'))) as unknown as AlipayClient['request'],
    async pay(input: EndpointRequest<'pay'>) {
      const id = input.paymentRequestId;
      const known = byRequestId.get(id);
      if (known) return payAnswer(id, known);
      if (closed.has(id) || Date.parse(input.paymentExpiryTime ?? '') <= clock().getTime()) return answer('F', 'ORDER_IS_CLOSED');
      const behavior = nextBehaviors.shift() ?? 'S';
      const record = (status: 'SUCCESS' | 'FAIL') => {
        const p: AntomPayment = { paymentId: `2026${randomBytes(8).toString('hex')}`, amountMinor: BigInt(input.paymentAmount.value), currency: input.paymentAmount.currency, status, everSucceeded: status === 'SUCCESS', refunds: new Map() };
        byRequestId.set(id, p);
        return p;
      };
      if (behavior === 'U') return answer('U', 'UNKNOWN_EXCEPTION');
      if (behavior === 'timeout-before') throw timeout();
      if (behavior === 'timeout-after') {
        record('SUCCESS');
        throw timeout();
      }
      return payAnswer(id, record(behavior === 'S' ? 'SUCCESS' : 'FAIL'));
    },
    async inquiryPayment(input: EndpointRequest<'inquiryPayment'>) {
      const p = byRequestId.get(input.paymentRequestId ?? '');
      if (!p) return answer('F', 'ORDER_NOT_EXIST');
      return answer('S', 'SUCCESS', {
        paymentRequestId: input.paymentRequestId,
        paymentId: p.paymentId,
        paymentStatus: p.status,
        paymentResultCode: p.status === 'FAIL' ? 'USER_BALANCE_NOT_ENOUGH' : p.status === 'CANCELLED' ? 'ORDER_IS_CLOSED' : 'SUCCESS',
        paymentAmount: { currency: p.currency, value: p.amountMinor.toString() },
        ...(p.status === 'SUCCESS' ? { paymentTime: clock().toISOString() } : {}),
      });
    },
    async cancel(input: EndpointRequest<'cancel'>) {
      const id = input.paymentRequestId ?? '';
      const p = byRequestId.get(id);
      if (!p) {
        closed.add(id);
        return answer('F', 'ORDER_NOT_EXIST');
      }
      if (p.status === 'CANCELLED') return answer('S', 'SUCCESS', { paymentRequestId: id, paymentId: p.paymentId });
      if (p.refunds.size > 0) return answer('F', 'ORDER_STATUS_INVALID');
      if (p.status === 'FAIL') return answer('F', 'ORDER_IS_CLOSED');
      p.status = 'CANCELLED';
      return answer('S', 'SUCCESS', { paymentRequestId: id, paymentId: p.paymentId });
    },
    async refund(input: EndpointRequest<'refund'>) {
      const p = findByAntomId(input.paymentId);
      if (!p) return answer('F', 'ORDER_NOT_EXIST');
      const already = p.refunds.get(input.refundRequestId);
      const amount = BigInt(input.refundAmount.value);
      if (already === undefined) {
        const refunded = [...p.refunds.values()].reduce((a, b) => a + b, 0n);
        if (p.status !== 'SUCCESS') return answer('F', 'ORDER_STATUS_INVALID');
        if (refunded + amount > p.amountMinor) return answer('F', 'REFUND_AMOUNT_EXCEED');
        p.refunds.set(input.refundRequestId, amount);
      }
      const behavior = already === undefined ? (refundBehaviors.shift() ?? 'S') : 'S';
      if (behavior === 'timeout') throw timeout();
      return answer('S', 'SUCCESS', { refundRequestId: input.refundRequestId, refundId: `rf${input.refundRequestId.slice(-12)}`, refundAmount: input.refundAmount, refundTime: clock().toISOString() });
    },
    async inquiryRefund(input: EndpointRequest<'inquiryRefund'>) {
      for (const p of byRequestId.values()) {
        if (p.refunds.has(input.refundRequestId ?? '')) {
          return answer('S', 'SUCCESS', { refundRequestId: input.refundRequestId, refundId: `rf${(input.refundRequestId ?? '').slice(-12)}`, refundStatus: 'SUCCESS', refundTime: clock().toISOString() });
        }
      }
      return answer('F', 'REFUND_NOT_EXIST');
    },
  };
  return { alipay, byRequestId, nextBehaviors, refundBehaviors };
}

type Op =
  | { kind: 'charge'; ref: number; otherAmount: boolean; behavior: PayBehavior }
  | { kind: 'notify'; pick: number; duplicate: boolean }
  | { kind: 'resolve'; pick: number; advanceSeconds: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'refund'; pick: number; percent: number; timeout: boolean }
  | { kind: 'race'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('charge' as const), ref: fc.nat(3), otherAmount: fc.constantFrom(false, false, false, false, true), behavior: fc.constantFrom<PayBehavior>('S', 'S', 'F', 'U', 'timeout-before', 'timeout-after') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('notify' as const), pick: fc.nat(20), duplicate: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resolve' as const), pick: fc.nat(20), advanceSeconds: fc.constantFrom(0, 2, 30, 70) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(20), percent: fc.constantFrom(30, 50, 100), timeout: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('race' as const), pick: fc.nat(20) }) },
);

const AMOUNTS = [10_000n, 12_500n, 20_000n, 7_500n];

let database: Database;
let admin: Actor;
const vault = new TokenVault(randomBytes(32), randomBytes(32));

async function activeAgreement(): Promise<string> {
  const db = database.db;
  const [customer] = await db.insert(customers).values({ reference: `m-${randomBytes(6).toString('hex')}`, name: 'Maria Santos', country: 'PH' }).returning();
  const id = randomUUID();
  await db.insert(agreements).values({
    id,
    customerId: customer!.id,
    paymentMethod: 'GCASH',
    status: 'ACTIVE',
    terminalType: 'WEB',
    authStateIndex: randomBytes(16).toString('hex'),
    authStateExpiresAt: new Date(),
    buyerBindingIndex: randomBytes(16).toString('hex'),
    accessTokenCiphertext: vault.seal(`tok_${randomBytes(12).toString('hex')}`, agreementTokenAad(id, 'access_token', 1)),
    accessTokenExpiresAt: new Date(Date.now() + 30 * 86_400_000),
    tokenKeyVersion: 1,
  });
  return id;
}

async function runHistory(ops: Op[]): Promise<void> {
  let clockMs = Date.now();
  const clock = () => new Date(clockMs);
  const antom = fakeAntom(clock);
  const paymentDeps: PaymentDeps = { db: database.db, alipay: antom.alipay as unknown as PaymentDeps['alipay'], vault, enqueue: async () => {}, now: clock };
  const refundDeps = { db: database.db, alipay: antom.alipay as unknown as RefundDeps['alipay'], enqueue: async () => {}, now: clock };
  const agreementId = await activeAgreement();
  const tag = randomBytes(4).toString('hex');
  const attempts = async (): Promise<Payment[]> => database.db.select().from(payments).where(eq(payments.agreementId, agreementId)).orderBy(payments.createdAt);
  const pick = async (n: number) => {
    const all = await attempts();
    return all.length === 0 ? undefined : all[n % all.length];
  };

  for (const op of ops) {
    if (op.kind === 'charge') {
      antom.nextBehaviors.push(op.behavior);
      const amount = AMOUNTS[op.ref]! + (op.otherAmount ? 100n : 0n);
      await charge(paymentDeps, { agreementId, amountMinor: amount, description: 'Model bill', referenceOrderId: `m${tag}-r${op.ref}`, initiator: { kind: 'api' } });
      antom.nextBehaviors.length = 0;
    } else if (op.kind === 'notify') {
      const p = await pick(op.pick);
      const truth = p && antom.byRequestId.get(p.paymentRequestId);
      if (!p || !truth || truth.status === 'CANCELLED') continue;
      const body = {
        notifyType: 'PAYMENT_RESULT',
        result: truth.status === 'SUCCESS' ? { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' } : { resultCode: 'USER_BALANCE_NOT_ENOUGH', resultStatus: 'F', resultMessage: 'balance' },
        paymentRequestId: p.paymentRequestId,
        paymentId: truth.paymentId,
        paymentAmount: { currency: truth.currency, value: truth.amountMinor.toString() },
        paymentTime: clock().toISOString(),
      };
      const n = parseNotification(JSON.stringify(body)) as AlipayPaymentNotification;
      for (let i = 0; i < (op.duplicate ? 2 : 1); i++) await database.db.transaction((tx) => applyPaymentNotification(tx, n, clock()));
    } else if (op.kind === 'resolve') {
      clockMs += op.advanceSeconds * 1000;
      const p = await pick(op.pick);
      if (p) await resolvePayment(paymentDeps, p.id);
    } else if (op.kind === 'cancel') {
      const p = await pick(op.pick);
      if (p) await cancelPayment(paymentDeps, admin, { paymentId: p.id, reason: 'Model cancel' });
    } else if (op.kind === 'refund') {
      const p = await pick(op.pick);
      if (!p) continue;
      if (op.timeout) antom.refundBehaviors.push('timeout');
      const minor = (p.amountMinor * BigInt(op.percent)) / 100n;
      await createRefund(refundDeps, admin, { paymentId: p.id, amount: (Number(minor) / 100).toFixed(2), reason: 'Model refund', operationKey: randomBytes(16).toString('base64url') });
      antom.refundBehaviors.length = 0;
    } else {
      const p = await pick(op.pick);
      if (!p) continue;
      await Promise.all([
        cancelPayment(paymentDeps, admin, { paymentId: p.id, reason: 'Model race' }),
        createRefund(refundDeps, admin, { paymentId: p.id, amount: (Number(p.amountMinor / 2n) / 100).toFixed(2), reason: 'Model race', operationKey: randomBytes(16).toString('base64url') }),
      ]);
    }
  }

  // Settle: the resolvers run until every attempt and refund is final (the clock moves past every deadline).
  for (let round = 0; round < 40; round++) {
    const open = (await attempts()).filter((p) => ['CREATED', 'PROCESSING', 'UNKNOWN'].includes(p.status) && !p.reconciliationFlag);
    const ids = (await attempts()).map((p) => p.id);
    const openRefunds = ids.length === 0 ? [] : (await database.db.select().from(refunds).where(inArray(refunds.paymentId, ids))).filter((r) => r.status === 'PENDING' || r.status === 'UNKNOWN');
    if (open.length === 0 && openRefunds.length === 0) break;
    clockMs += 20_000;
    for (const p of open) await resolvePayment(paymentDeps, p.id);
    for (const r of openRefunds) await resolveRefund(refundDeps, r.id);
  }

  // The invariants.
  const final = await attempts();
  const flagged = final.filter((p) => p.reconciliationFlag);
  const byIntent = new Map<string, Payment[]>();
  for (const p of final) byIntent.set(p.intentId, [...(byIntent.get(p.intentId) ?? []), p]);
  for (const [intentId, list] of byIntent) {
    expect(list.filter((p) => p.status === 'SUCCEEDED').length, `intent ${intentId}: two SUCCEEDED attempts`).toBeLessThanOrEqual(1);
    const debited = list.filter((p) => antom.byRequestId.get(p.paymentRequestId)?.everSucceeded);
    expect(debited.length, `intent ${intentId}: debited twice in the ledger`).toBeLessThanOrEqual(1);
  }
  const intentRows = await database.db.select().from(chargeIntents).where(eq(chargeIntents.agreementId, agreementId));
  expect(new Set(intentRows.map((i) => i.businessKey)).size).toBe(intentRows.length);

  for (const p of final) {
    const truth = antom.byRequestId.get(p.paymentRequestId);
    const ledgerRefunded = truth ? [...truth.refunds.values()].reduce((a, b) => a + b, 0n) : 0n;
    expect(p.refundedMinor + p.refundPendingMinor).toBeLessThanOrEqual(p.amountMinor);
    expect(ledgerRefunded).toBeLessThanOrEqual(p.amountMinor);
    if (p.status === 'CANCELLED' && p.refundedMinor + p.refundPendingMinor > 0n) expect(p.reconciliationFlag, `payment ${p.id}: cancelled and refunded without a flag`).not.toBeNull();
    if (flagged.includes(p)) continue;
    // Portal and ledger agree, payment by payment.
    const expected = !truth ? ['FAILED', 'CANCELLED'] : truth.status === 'SUCCESS' ? ['SUCCEEDED'] : truth.status === 'CANCELLED' ? ['CANCELLED'] : ['FAILED'];
    expect(expected, `payment ${p.id} (${p.paymentRequestId}) is ${p.status}, Antom holds ${truth?.status ?? 'nothing'}`).toContain(p.status);
    expect(p.refundedMinor, `payment ${p.id}: refunded`).toBe(ledgerRefunded);
    expect(p.refundPendingMinor).toBe(0n);
  }
  // Totals: what the portal says it collected, cancelled and refunded is what the ledger moved.
  const unflagged = final.filter((p) => !p.reconciliationFlag);
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const portalCollected = sum(unflagged.filter((p) => p.status === 'SUCCEEDED').map((p) => p.amountMinor));
  const ledgerCollected = sum(unflagged.map((p) => antom.byRequestId.get(p.paymentRequestId)).filter((t) => t?.status === 'SUCCESS').map((t) => t!.amountMinor));
  expect(portalCollected).toBe(ledgerCollected);
  const portalRefunded = sum(unflagged.map((p) => p.refundedMinor));
  const ledgerRefunded = sum(unflagged.map((p) => sum([...(antom.byRequestId.get(p.paymentRequestId)?.refunds.values() ?? [])])));
  expect(portalRefunded).toBe(ledgerRefunded);
}

describe(`charge intents, a model of random histories (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await seedActor(database.db, 'admin');
  }, 180_000);
  afterAll(async () => {
    await database?.close();
  });

  it('1,000 random histories: one SUCCEEDED attempt and one debit per intent, never over-refunded, never cancelled and refunded unflagged, ledger = portal', async () => {
    // 1,000 histories: about a minute per database on a quiet 2-core machine (150 took 9.8 s on PGlite and 7.1 s
    // on PostgreSQL in CI). INTENT_MODEL_RUNS sets another count.
    const runs = Number(process.env.INTENT_MODEL_RUNS ?? 1000);
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 2, maxLength: 10 }), (ops) => runHistory(ops)),
      { numRuns: runs, endOnFailure: true },
    );
  }, 900_000);
});
