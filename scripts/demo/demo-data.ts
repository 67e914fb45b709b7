// Realistic dashboard demo rows, shaped like the domain writes them (the charge and refund operations are not
// on main yet, so rows are inserted directly with the states those operations leave behind). Deterministic
// (seeded PRNG, times relative to `now`) and idempotent: nothing is inserted when demo payments exist.
import { eq, like } from 'drizzle-orm';
import type { Actor } from '../../lib/auth/actor';
import { recordAudit } from '../../lib/audit/record-audit';
import type { Db } from '../../lib/db/client';
import { agreements, customers, paymentEvents, payments, refunds, type AgreementStatus, type PaymentStatus } from '../../lib/db/schema';
import { withStandaloneIntent } from '@/lib/intents/insert-standalone-intent';
import { dayKey, startOfDay } from '@/lib/time/zone';

const WALLETS = [
  { code: 'GCASH', currency: 'PHP', country: 'PH', min: 5_000n, max: 500_000n, names: ['Maria Santos', 'Jose Reyes', 'Ana Cruz', 'Paolo Garcia'] },
  { code: 'MAYA', currency: 'PHP', country: 'PH', min: 5_000n, max: 300_000n, names: ['Liza Mendoza', 'Carlo Ramos'] },
  { code: 'KAKAOPAY', currency: 'KRW', country: 'KR', min: 1_000n, max: 200_000n, names: ['김민준', '이서연', '박지훈'] },
  { code: 'NAVERPAY', currency: 'KRW', country: 'KR', min: 1_000n, max: 150_000n, names: ['최유진'] },
  { code: 'ALIPAY_CN', currency: 'CNY', country: 'CN', min: 990n, max: 99_900n, names: ['王芳', '李娜', '张伟'] },
  { code: 'ALIPAY_HK', currency: 'HKD', country: 'HK', min: 2_000n, max: 80_000n, names: ['陳大文', 'Chan Ka Ming'] },
  { code: 'TRUEMONEY', currency: 'THB', country: 'TH', min: 9_900n, max: 299_000n, names: ['สมชาย ใจดี', 'Nok Srisuk'] },
  { code: 'DANA', currency: 'IDR', country: 'ID', min: 5_000_000n, max: 50_000_000n, names: ['Budi Santoso', 'Siti Rahma'] },
  { code: 'TNG', currency: 'MYR', country: 'MY', min: 990n, max: 49_900n, names: ['Ahmad Faiz', 'Tan Mei Ling'] },
  { code: 'PAYPAY', currency: 'JPY', country: 'JP', min: 500n, max: 30_000n, names: ['佐藤 花子', 'Suzuki Taro'] },
] as const;

const FAILURES = ['USER_BALANCE_NOT_ENOUGH', 'RISK_REJECT', 'USER_PAYMENT_VERIFICATION_FAILED', 'ACCESS_TOKEN_IS_EXPIRED', 'PAYMENT_AMOUNT_EXCEED_LIMIT'];

/** mulberry32: a tiny seeded PRNG so every run produces the same demo set. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoSummary {
  customers: number;
  agreements: number;
  payments: number;
  refunds: number;
  /** Ids the e2e walk searches for. */
  samples: { paymentRequestId: string; refundRequestId: string; customerReference: string; loginMasked: string };
  /** The GCash payment made at 07:30 Asia/Manila (the latest such morning before `now`) and its Manila day. */
  manila: { paymentRequestId: string; day: string } | null;
}

/** The latest 07:30 Asia/Manila at or before `now` (issue 26: that payment belongs to that Manila day, not "yesterday" in UTC). */
export function latestManilaMorning(now: Date): Date {
  const today = startOfDay(dayKey(now, 'Asia/Manila'), 'Asia/Manila');
  const at = new Date(today.getTime() + 7.5 * 3_600_000);
  return at <= now ? at : new Date(at.getTime() - 86_400_000);
}

/**
 * Inserts ~40 customers, ~60 agreements (active, revoked, expired, declined), ~320 payments over the last 30
 * days in six currencies (succeeded, declined with Antom's codes, unknown, unknown-then-resolved, processing,
 * cancelled) and ~45 refunds (full, partial, pending, unknown, failed). Staff-initiated rows name `actor`.
 */
export async function seedDemoData(db: Db, actor: Pick<Actor, 'userId' | 'email' | 'role' | 'ip' | 'userAgent'>, now = new Date()): Promise<DemoSummary | null> {
  const already = await db.select({ id: payments.id }).from(payments).where(like(payments.paymentRequestId, 'demo-pay-%')).limit(1);
  if (already.length) return null;
  const rand = prng(20261201);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const ago = (maxDays: number) => new Date(now.getTime() - Math.floor(rand() * maxDays * 86_400_000));
  const between = (min: bigint, max: bigint, step: bigint) => {
    const span = (max - min) / step;
    return min + BigInt(Math.floor(rand() * Number(span))) * step;
  };

  const summary: DemoSummary = { customers: 0, agreements: 0, payments: 0, refunds: 0, samples: { paymentRequestId: '', refundRequestId: '', customerReference: '', loginMasked: '' }, manila: null };
  const live: { id: string; customerId: string; wallet: (typeof WALLETS)[number] }[] = [];
  let n = 0;
  for (const wallet of WALLETS) {
    for (const name of wallet.names) {
      for (let copy = 0; copy < 2; copy++) {
        n++;
        const reference = `demo-${wallet.country.toLowerCase()}-${String(n).padStart(3, '0')}`;
        const createdAt = ago(60);
        const [customer] = await db
          .insert(customers)
          .values({ reference, name: copy ? `${name} (${n})` : name, country: wallet.country, email: `buyer${n}@example.com`, createdAt, updatedAt: createdAt })
          .onConflictDoNothing()
          .returning({ id: customers.id });
        if (!customer) continue;
        summary.customers++;
        if (!summary.samples.customerReference) summary.samples.customerReference = reference;
        const attempts: AgreementStatus[] = n % 9 === 0 ? ['DECLINED', 'ACTIVE'] : n % 7 === 0 ? ['REVOKED'] : n % 11 === 0 ? ['EXPIRED'] : ['ACTIVE'];
        for (const [i, status] of attempts.entries()) {
          const started = new Date(createdAt.getTime() + (i + 1) * 3_600_000);
          const login = wallet.country === 'CN' || wallet.country === 'HK' ? `${reference.slice(-3)}***@example.com` : `${String(60 + n)}****${String(1000 + n * 37).slice(-4)}`;
          const isLive = status === 'ACTIVE' || status === 'REVOKED';
          const [agreement] = await db
            .insert(agreements)
            .values({
              customerId: customer.id,
              paymentMethod: wallet.code,
              status,
              terminalType: pick(['WEB', 'WAP', 'APP']),
              authStateIndex: `demo-state-${reference}-${i}`,
              authStateExpiresAt: new Date(started.getTime() + 600_000),
              buyerBindingIndex: `demo-binding-${reference}`,
              userLoginIdMasked: isLive ? login : null,
              accessTokenExpiresAt: isLive ? new Date(now.getTime() + (5 + Math.floor(rand() * 60)) * 86_400_000) : null,
              refreshTokenExpiresAt: isLive ? new Date(now.getTime() + (10 + Math.floor(rand() * 300)) * 86_400_000) : null,
              activatedAt: isLive ? started : null,
              revokedAt: status === 'REVOKED' ? ago(10) : null,
              revokedBy: status === 'REVOKED' ? 'wallet' : null,
              failureCode: status === 'DECLINED' ? 'USER_CANCELLED' : null,
              createdAt: started,
              updatedAt: started,
            })
            .returning({ id: agreements.id });
          summary.agreements++;
          if (isLive && !summary.samples.loginMasked) summary.samples.loginMasked = login;
          if (isLive) live.push({ id: agreement!.id, customerId: customer.id, wallet });
        }
      }
    }
  }

  let p = 0;
  let r = 0;
  for (const a of live) {
    const count = 4 + Math.floor(rand() * 7);
    for (let i = 0; i < count; i++) {
      p++;
      const createdAt = ago(30);
      const roll = rand();
      // What the charge flow leaves: mostly success, declines with Antom's codes, a few still unresolved.
      const status: PaymentStatus = roll < 0.74 ? 'SUCCEEDED' : roll < 0.88 ? 'FAILED' : roll < 0.92 ? 'CANCELLED' : roll < 0.95 ? 'PROCESSING' : roll < 0.98 ? 'UNKNOWN' : 'SUCCEEDED';
      const resolvedFromUnknown = roll >= 0.98;
      const amount = between(a.wallet.min, a.wallet.max, a.wallet.currency === 'IDR' ? 10_000n : 100n);
      const failure = status === 'FAILED' ? pick(FAILURES) : null;
      const paymentRequestId = `demo-pay-${String(p).padStart(5, '0')}`;
      const byStaff = rand() < 0.4;
      const [payment] = await db
        .insert(payments)
        .values(await withStandaloneIntent(db, {
          agreementId: a.id,
          customerId: a.customerId,
          paymentMethod: a.wallet.code,
          paymentRequestId,
          paymentId: status === 'SUCCEEDED' || status === 'PROCESSING' || status === 'FAILED' ? `2026${String(100000000 + p * 7919)}` : null,
          amountMinor: amount,
          currency: a.wallet.currency,
          status,
          referenceOrderId: `ORDER-${String(70000 + p)}`,
          description: pick(['Monthly coffee plan', 'Bean subscription', 'Top-up', 'Annual membership']),
          initiator: byStaff ? 'staff' : 'schedule',
          initiatedBy: byStaff ? actor.userId : null,
          resultCode: status === 'SUCCEEDED' ? 'SUCCESS' : failure,
          failureCode: failure,
          failureMessage: failure ? failure.toLowerCase().replaceAll('_', ' ') : null,
          resolverAttempts: resolvedFromUnknown ? 2 : status === 'UNKNOWN' ? 1 : 0,
          succeededAt: status === 'SUCCEEDED' ? new Date(createdAt.getTime() + (resolvedFromUnknown ? 120_000 : 2_000)) : null,
          failedAt: status === 'FAILED' ? new Date(createdAt.getTime() + 2_000) : null,
          cancelledAt: status === 'CANCELLED' ? new Date(createdAt.getTime() + 600_000) : null,
          createdAt,
          updatedAt: createdAt,
        }))
        .returning({ id: payments.id });
      summary.payments++;
      if (!summary.samples.paymentRequestId) summary.samples.paymentRequestId = paymentRequestId;
      if (resolvedFromUnknown) {
        await db.insert(paymentEvents).values([
          { paymentId: payment!.id, type: 'pay.unknown', cause: 'system', detail: { reason: 'timeout' }, createdAt },
          { paymentId: payment!.id, type: 'inquiry.succeeded', cause: 'job', detail: { resultCode: 'SUCCESS' }, createdAt: new Date(createdAt.getTime() + 120_000) },
        ]);
      }
      if (byStaff) {
        await recordAudit(db, actor, { action: 'payment.charge', objectType: 'payment', objectId: payment!.id, at: createdAt, after: { amountMinor: amount, currency: a.wallet.currency } });
      }
      if (status === 'SUCCEEDED' && rand() < 0.16) {
        r++;
        const full = rand() < 0.35;
        const refundAmount = full ? amount : (amount / 2n / 100n) * 100n || amount;
        const refundRoll = rand();
        const refundStatus = refundRoll < 0.8 ? 'SUCCEEDED' : refundRoll < 0.88 ? 'PENDING' : refundRoll < 0.94 ? 'UNKNOWN' : 'FAILED';
        const refundAt = new Date(createdAt.getTime() + 86_400_000 * (1 + Math.floor(rand() * 3)));
        const at = refundAt > now ? now : refundAt;
        const refundRequestId = `demo-ref-${String(r).padStart(4, '0')}`;
        const [refund] = await db
          .insert(refunds)
          .values({
            paymentId: payment!.id,
            refundRequestId,
            refundId: refundStatus === 'SUCCEEDED' ? `R2026${String(500000 + r * 31)}` : null,
            amountMinor: refundAmount,
            currency: a.wallet.currency,
            status: refundStatus,
            reason: full ? 'Cancelled subscription' : 'Partial refund: short delivery',
            initiatedBy: actor.userId,
            failureCode: refundStatus === 'FAILED' ? 'REFUND_WINDOW_EXCEED' : null,
            settledAt: refundStatus === 'SUCCEEDED' ? at : null,
            createdAt: at,
            updatedAt: at,
          })
          .returning({ id: refunds.id });
        // The reservation on the payment row, as the refund operation keeps it.
        if (refundStatus !== 'FAILED') {
          await db
            .update(payments)
            .set(refundStatus === 'SUCCEEDED' ? { refundedMinor: refundAmount } : { refundPendingMinor: refundAmount })
            .where(eq(payments.id, payment!.id));
        }
        await recordAudit(db, actor, { action: 'refund.create', objectType: 'refund', objectId: refund!.id, at, after: { amountMinor: refundAmount, currency: a.wallet.currency } });
        summary.refunds++;
        if (!summary.samples.refundRequestId) summary.samples.refundRequestId = refundRequestId;
      }
    }
  }
  // A coffee bought at 07:30 in Manila: on that Manila (and GMT+8) day in the Overview, the list and the export.
  // ₱125.50, an amount no other demo payment has (they step by ₱1.00), so the header search "125.50 PHP" finds it alone.
  const gcash = live.find((a) => a.wallet.code === 'GCASH');
  if (gcash) {
    const createdAt = latestManilaMorning(now);
    const paymentRequestId = 'demo-pay-manila-0730';
    await db.insert(payments).values(
      await withStandaloneIntent(db, {
        agreementId: gcash.id,
        customerId: gcash.customerId,
        paymentMethod: 'GCASH',
        paymentRequestId,
        paymentId: '2026073007300730',
        amountMinor: 12_550n,
        currency: 'PHP',
        status: 'SUCCEEDED',
        referenceOrderId: 'ORDER-MANILA-0730',
        description: 'Morning coffee in Manila',
        initiator: 'schedule',
        resultCode: 'SUCCESS',
        succeededAt: new Date(createdAt.getTime() + 2_000),
        createdAt,
        updatedAt: createdAt,
      }),
    );
    summary.payments++;
    summary.manila = { paymentRequestId, day: dayKey(createdAt, 'Asia/Manila') };
  }
  return summary;
}
