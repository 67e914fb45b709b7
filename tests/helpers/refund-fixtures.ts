import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AlipayNetworkError, ENDPOINTS, serializeRequest, type AlipayCallResult, type EndpointName, type EndpointRequest } from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { agreements, customers, payments, staffUsers, type Payment, type StaffRole } from '@/lib/db/schema';
import type { RefundDeps } from '@/lib/refunds/refund-deps';
import { withStandaloneIntent } from '@/lib/intents/insert-standalone-intent';

/** A staff member written directly (no password hashing: these tests never sign in) and their Actor. */
export async function seedActor(db: Db, role: StaffRole): Promise<Actor> {
  const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
  const [user] = await db.insert(staffUsers).values({ email, name: `Test ${role}`, role, passwordHash: 'not-a-hash' }).returning();
  return { userId: user!.id, email, name: user!.name, role, sessionId: randomUUID(), ip: '127.0.0.1', userAgent: 'vitest' };
}

/** A SUCCEEDED payment on an ACTIVE agreement, as part A's charge leaves it. */
export async function seedSucceededPayment(
  db: Db,
  options: { amountMinor: bigint; currency?: string; paymentMethod?: string; antomPaymentId?: string; succeededAt?: Date; status?: Payment['status'] },
): Promise<Payment> {
  const paymentMethod = options.paymentMethod ?? 'GCASH';
  const [customer] = await db.insert(customers).values({ reference: `c-${randomBytes(6).toString('hex')}`, name: 'Maria Santos', country: 'PH' }).returning();
  const [agreement] = await db
    .insert(agreements)
    .values({
      customerId: customer!.id,
      paymentMethod,
      status: 'ACTIVE',
      terminalType: 'WEB',
      authStateIndex: randomBytes(16).toString('hex'),
      authStateExpiresAt: new Date(),
      buyerBindingIndex: randomBytes(16).toString('hex'),
    })
    .returning();
  const [payment] = await db
    .insert(payments)
    .values(await withStandaloneIntent(db, {
      agreementId: agreement!.id,
      customerId: customer!.id,
      paymentMethod,
      paymentRequestId: `pay_${randomBytes(12).toString('hex')}`,
      paymentId: options.antomPaymentId ?? `2026${randomBytes(10).toString('hex')}`,
      amountMinor: options.amountMinor,
      currency: options.currency ?? 'PHP',
      status: options.status ?? 'SUCCEEDED',
      referenceOrderId: `order-${randomBytes(4).toString('hex')}`,
      description: 'Monthly coffee subscription',
      initiator: 'staff',
      succeededAt: options.succeededAt ?? new Date(),
    }))
    .returning();
  return payment!;
}

export type ScriptedAnswer = 'S' | 'F' | 'U' | 'timeout';

/**
 * A stand-in AMS client for refund logic tests: `serialize` is the real one (validation and hash), and each
 * refund / inquiryRefund call is answered by `answer(name, input)`, the way classifyCall will see it.
 */
export function scriptedAlipay(answer: (name: 'refund' | 'inquiryRefund', input: Record<string, unknown>) => ScriptedAnswer | { inquiry: 'SUCCESS' | 'FAIL' | 'PROCESSING' | 'NOT_EXIST' }) {
  const calls: { name: string; input: Record<string, unknown>; sha256: string }[] = [];
  const respond = async <N extends 'refund' | 'inquiryRefund'>(name: N, input: EndpointRequest<N>, options?: { expectedBodySha256?: string }): Promise<AlipayCallResult<never>> => {
    const { sha256 } = serializeRequest(name, ENDPOINTS[name] as never, input as never);
    if (options?.expectedBodySha256 && options.expectedBodySha256 !== sha256) throw new Error(`body changed between sends of ${name}`);
    calls.push({ name, input: input as Record<string, unknown>, sha256 });
    await new Promise((r) => setTimeout(r, 0));
    const a = answer(name, input as Record<string, unknown>);
    const data = (result: { resultCode: string; resultStatus: 'S' | 'F' | 'U'; resultMessage: string }, extra: Record<string, unknown> = {}) =>
      ({
        outcome: result.resultStatus === 'S' ? 'success' : result.resultStatus === 'F' ? 'failed' : 'unknown',
        result,
        data: { result, ...extra },
        signatureVerified: true,
        attempts: 1,
        durationMs: 1,
      }) as unknown as AlipayCallResult<never>;
    const refundId = `rfa_${createHash('sha256').update(String(input.refundRequestId)).digest('hex').slice(0, 20)}`;
    if (typeof a === 'object') {
      if (a.inquiry === 'NOT_EXIST') return data({ resultCode: 'REFUND_NOT_EXIST', resultStatus: 'F', resultMessage: 'not found' });
      return data({ resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' }, { refundStatus: a.inquiry, refundId, refundRequestId: input.refundRequestId });
    }
    if (a === 'timeout') throw new AlipayNetworkError('TIMEOUT', 'timed out', 1);
    if (a === 'S') return data({ resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' }, { refundId, refundRequestId: input.refundRequestId });
    if (a === 'F') return data({ resultCode: 'MERCHANT_BALANCE_NOT_ENOUGH', resultStatus: 'F', resultMessage: 'balance' });
    return data({ resultCode: 'UNKNOWN_EXCEPTION', resultStatus: 'U', resultMessage: 'unknown' });
  };
  const alipay: RefundDeps['alipay'] = {
    refund: (input, options) => respond('refund', input, options),
    inquiryRefund: (input, options) => respond('inquiryRefund', input, options),
    serialize: <N extends EndpointName>(name: N, input: EndpointRequest<N>) => serializeRequest(name, ENDPOINTS[name] as never, input as never),
  };
  return { alipay, calls };
}

/** Enqueue that records instead of queueing (the resolver is driven by hand in logic tests). */
export function recordingEnqueue() {
  const jobs: { name: string; data: Record<string, unknown>; startAfterSeconds?: number }[] = [];
  const enqueue: RefundDeps['enqueue'] = async (name, data, options) => {
    jobs.push({ name, data, ...(options?.startAfterSeconds !== undefined ? { startAfterSeconds: options.startAfterSeconds } : {}) });
  };
  return { enqueue, jobs };
}

export const newOperationKey = () => randomBytes(16).toString('base64url');
