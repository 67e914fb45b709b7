import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { signNotification } from '@/lib/alipay';
import type { Database, Db } from '@/lib/db/client';
import { agreements, customers, payments, refunds } from '@/lib/db/schema';
import type { JobQueue } from '@/lib/jobs/job-queue';
import { withStandaloneIntent } from '@/lib/intents/insert-standalone-intent';

export const CLIENT_ID = 'DAIKOU_NOTIFY_TEST';
export const APP_URL = 'https://pay.example.com/portal';
export const PAYMENT_PATH = '/portal/api/alipay/notify/payment';
export const REFUND_PATH = '/portal/api/alipay/notify/refund';
export const AUTH_PATH = '/portal/api/alipay/notify/authorization';

function pair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Antom's current key (v1), its announced successor (v2), and a stranger's key. */
export const KEYS = { v1: pair(), v2: pair(), other: pair() };
export const TOKEN_KEYS = { encryption: randomBytes(32).toString('base64'), index: randomBytes(32).toString('base64') };

/**
 * Points the app's own wiring (lib/env, lib/db, the job queue) at a test database, so the route handlers'
 * POST functions run unchanged. Call before the first request.
 */
export function useTestApp(database: Database, queue?: JobQueue): void {
  Object.assign(process.env, {
    AUTH_SECRET: 'x'.repeat(40),
    APP_URL,
    TOKEN_ENCRYPTION_KEY: TOKEN_KEYS.encryption,
    TOKEN_INDEX_KEY: TOKEN_KEYS.index,
    ALIPAY_CLIENT_ID: CLIENT_ID,
    ALIPAY_PUBLIC_KEY: KEYS.v1.publicPem,
    ALIPAY_PUBLIC_KEY_VERSION: '1',
    ALIPAY_PUBLIC_KEY_2: KEYS.v2.publicPem,
    ALIPAY_PUBLIC_KEY_2_VERSION: '2',
  });
  const g = globalThis as Record<string, unknown>;
  g.daikouDatabase = Promise.resolve(database);
  g.daikouJobQueue = Promise.resolve(queue ?? { enqueue: async () => {}, stop: async () => {} });
}

export interface SignedRequestInput {
  path?: string;
  body: string | object;
  key?: KeyObject;
  keyVersion?: string;
  clientId?: string;
  /** Tamper after signing. */
  mutate?: (parts: { headers: Record<string, string>; rawBody: string }) => { headers: Record<string, string> | [string, string][]; rawBody: string | Uint8Array };
  url?: string;
}

/** A Request exactly as Antom would POST it (signed with KEYS.v1 by default), optionally tampered with. */
export function signedRequest(input: SignedRequestInput): Request {
  const path = input.path ?? PAYMENT_PATH;
  const signed = signNotification({ path, clientId: input.clientId ?? CLIENT_ID, privateKey: input.key ?? KEYS.v1.privateKey, keyVersion: input.keyVersion ?? '1', body: input.body });
  const final = input.mutate ? input.mutate(signed) : signed;
  return new Request(input.url ?? `http://127.0.0.1:3000${path.replace('/portal', '')}`, { method: 'POST', headers: final.headers, body: final.rawBody as BodyInit });
}

export function paymentResultBody(paymentRequestId: string, status: 'S' | 'F' = 'S') {
  return {
    notifyType: 'PAYMENT_RESULT',
    result: status === 'S' ? { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' } : { resultCode: 'USER_BALANCE_NOT_ENOUGH', resultStatus: 'F', resultMessage: 'balance' },
    paymentRequestId,
    paymentId: `2026${paymentRequestId.replace(/-/g, '').slice(0, 20)}`,
    paymentAmount: { currency: 'PHP', value: '1000' },
    paymentCreateTime: '2026-12-01T12:00:00+08:00',
    paymentTime: '2026-12-01T12:00:01+08:00',
  };
}

export function refundResultBody(refundRequestId: string, status: 'SUCCESS' | 'FAIL' = 'SUCCESS') {
  return {
    result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
    refundStatus: status,
    refundRequestId,
    refundId: `R${refundRequestId.replace(/-/g, '').slice(0, 20)}`,
    refundAmount: { currency: 'PHP', value: '400' },
    refundTime: '2026-12-01T12:05:00+08:00',
  };
}

/** A customer, an ACTIVE agreement holding `accessToken`, a PROCESSING payment of 1000 and (optionally) a PENDING refund of 400. */
export async function seedPaymentWorld(db: Db, opts: { accessTokenIndex?: string; withRefund?: boolean; paymentStatus?: 'PROCESSING' | 'CANCELLED' | 'CREATED' } = {}) {
  const tag = randomUUID();
  const [customer] = await db.insert(customers).values({ reference: `c-${tag}`, name: 'Maria Santos' }).returning();
  const [agreement] = await db
    .insert(agreements)
    .values({
      customerId: customer!.id,
      paymentMethod: 'GCASH',
      status: 'ACTIVE',
      terminalType: 'WEB',
      authStateIndex: `state-${tag}`,
      authStateExpiresAt: new Date(),
      buyerBindingIndex: `bind-${tag}`,
      accessTokenIndex: opts.accessTokenIndex ?? `tok-${tag}`,
    })
    .returning();
  const [payment] = await db
    .insert(payments)
    .values(await withStandaloneIntent(db, {
      agreementId: agreement!.id,
      customerId: customer!.id,
      paymentMethod: 'GCASH',
      paymentRequestId: `pay-${tag}`,
      amountMinor: 1000n,
      currency: 'PHP',
      status: opts.paymentStatus ?? 'PROCESSING',
      referenceOrderId: `order-${tag}`,
      description: 'Monthly plan',
      initiator: 'staff',
      refundPendingMinor: opts.withRefund ? 400n : 0n,
    }))
    .returning();
  const refund = opts.withRefund
    ? (await db.insert(refunds).values({ paymentId: payment!.id, refundRequestId: `ref-${tag}`, amountMinor: 400n, currency: 'PHP', reason: 'goodwill' }).returning())[0]!
    : undefined;
  return { customer: customer!, agreement: agreement!, payment: payment!, refund };
}
