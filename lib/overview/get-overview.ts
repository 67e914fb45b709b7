import { and, count, desc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { addDays, dayKey, DEFAULT_TIME_ZONE, startOfDay } from '@/lib/time/zone';
import { agreements, apiCalls, inboxEvents, notificationDeliveries, payments, reconDiscrepancies, refunds } from '@/lib/db/schema';

export const OVERVIEW_RANGES = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
export type OverviewRange = keyof typeof OVERVIEW_RANGES;

export function isOverviewRange(value: unknown): value is OverviewRange {
  return typeof value === 'string' && Object.hasOwn(OVERVIEW_RANGES, value);
}

export interface DailyVolume {
  /** Day in the overview's zone, YYYY-MM-DD. */
  day: string;
  currency: string;
  /** Sum of SUCCEEDED payments, minor units. */
  volumeMinor: bigint;
  succeeded: number;
  total: number;
}

export interface WalletRate {
  wallet: string;
  succeeded: number;
  failed: number;
  /** Final payments (succeeded + failed); cancelled ones are not a wallet's failure. */
  final: number;
}

export interface Overview {
  /** The IANA zone whose days the figures are bucketed in. */
  zone: string;
  since: Date;
  until: Date;
  daily: DailyVolume[];
  wallets: WalletRate[];
  failureReasons: { code: string; count: number }[];
  agreements: { active: number; expiringSoon: number; revokedInRange: number };
  refunds: { currency: string; count: number; succeededMinor: bigint }[];
  attention: {
    unknownPayments: number;
    unknownRefunds: number;
    /** Refunds still PENDING or UNKNOWN a day after they were asked for. */
    staleRefunds: number;
    flaggedPayments: number;
    failedRefreshes: number;
    /** ACTIVE agreements whose refresher needs a person (a lost refresh answer, a refusal kept ACTIVE). */
    refreshNeedsAttention: number;
    signatureFailures: number;
    /** Notifications whose follow-up work (e.g. applyToken after AUTHCODE_CREATED) has not run yet. */
    pendingNotificationWork: number;
    /** Differences between Antom's report files and our ledger that nobody has resolved yet. */
    openDiscrepancies: number;
  };
  /** From receipt to processed, for notifications received in the range (null when none). */
  notificationLag: { count: number; p95Ms: number | null; maxMs: number | null };
}

/** An agreement whose token life ends within this many days needs a refresh that works (or a new authorization). */
export const EXPIRING_WITHIN_DAYS = 14;

/**
 * Everything the Overview shows for one time range, in the days of `zone` (the viewer's; default Antom's GMT+8). Each figure is one grouped query on
 * indexed columns (created_at leads the payments/refunds indexes), so it stays quick on large tables.
 * Volume is only what SUCCEEDED; amounts stay bigint minor units per currency (never summed across).
 */
// Dates inside raw sql`` go as ISO text with a cast: postgres.js cannot bind a bare Date there (PGlite can).
export async function getOverview(db: Db, range: OverviewRange, now: Date = new Date(), zone: string = DEFAULT_TIME_ZONE): Promise<Overview> {
  const days = OVERVIEW_RANGES[range];
  const since = range === '24h' ? new Date(now.getTime() - 86_400_000) : startOfDay(addDays(dayKey(now, zone), -(days - 1)), zone);
  const inRange = and(gte(payments.createdAt, since), lt(payments.createdAt, now));
  // The zone is a bound parameter (validated IANA name); PostgreSQL and PGlite both carry the tz database.
  const day = sql<string>`to_char(${payments.createdAt} at time zone ${zone}::text, 'YYYY-MM-DD')`;

  const [daily, wallets, reasons, agreementCounts, refundRows, attention] = await Promise.all([
    db
      .select({
        day,
        currency: payments.currency,
        volume: sql<string>`coalesce(sum(${payments.amountMinor}) filter (where ${payments.status} = 'SUCCEEDED'), 0)::text`,
        succeeded: sql<number>`(count(*) filter (where ${payments.status} = 'SUCCEEDED'))::int`,
        total: sql<number>`count(*)::int`,
      })
      .from(payments)
      .where(inRange)
      // By position: the zone is a parameter, so a repeated expression would not be the same one to PostgreSQL.
      .groupBy(sql`1`, payments.currency)
      .orderBy(sql`1`, payments.currency),
    db
      .select({
        wallet: payments.paymentMethod,
        succeeded: sql<number>`(count(*) filter (where ${payments.status} = 'SUCCEEDED'))::int`,
        failed: sql<number>`(count(*) filter (where ${payments.status} = 'FAILED'))::int`,
      })
      .from(payments)
      .where(and(inRange, inArray(payments.status, ['SUCCEEDED', 'FAILED'])))
      .groupBy(payments.paymentMethod)
      .orderBy(payments.paymentMethod),
    db
      .select({ code: sql<string>`coalesce(${payments.failureCode}, ${payments.resultCode}, 'UNKNOWN_REASON')`, count: sql<number>`count(*)::int` })
      .from(payments)
      .where(and(inRange, eq(payments.status, 'FAILED')))
      .groupBy(sql`1`)
      .orderBy(desc(sql`2`))
      .limit(5),
    db
      .select({
        active: sql<number>`(count(*) filter (where ${agreements.status} = 'ACTIVE'))::int`,
        expiringSoon: sql<number>`(count(*) filter (where ${agreements.status} = 'ACTIVE' and coalesce(${agreements.refreshTokenExpiresAt}, ${agreements.accessTokenExpiresAt}) < ${new Date(now.getTime() + EXPIRING_WITHIN_DAYS * 86_400_000).toISOString()}::timestamptz))::int`,
        revokedInRange: sql<number>`(count(*) filter (where ${agreements.status} = 'REVOKED' and ${agreements.revokedAt} >= ${since.toISOString()}::timestamptz))::int`,
      })
      .from(agreements)
      .where(inArray(agreements.status, ['ACTIVE', 'REVOKED'])),
    db
      .select({
        currency: refunds.currency,
        count: sql<number>`count(*)::int`,
        succeeded: sql<string>`coalesce(sum(${refunds.amountMinor}) filter (where ${refunds.status} = 'SUCCEEDED'), 0)::text`,
      })
      .from(refunds)
      .where(and(gte(refunds.createdAt, since), lt(refunds.createdAt, now)))
      .groupBy(refunds.currency)
      .orderBy(refunds.currency),
    Promise.all([
      db.select({ n: count() }).from(payments).where(eq(payments.status, 'UNKNOWN')),
      db.select({ n: count() }).from(refunds).where(eq(refunds.status, 'UNKNOWN')),
      db.select({ n: count() }).from(payments).where(isNotNull(payments.reconciliationFlag)),
      db.select({ n: count() }).from(agreements).where(and(eq(agreements.status, 'ACTIVE'), isNotNull(agreements.tokenRefreshProblem))),
      // applyToken with the refresh grant that Antom answered F (an authCode exchange has another grantType).
      db
        .select({ n: count() })
        .from(apiCalls)
        .where(and(gte(apiCalls.createdAt, since), eq(apiCalls.endpoint, 'applyToken'), eq(apiCalls.resultStatus, 'F'), sql`${apiCalls.requestBody}->>'grantType' = 'REFRESH_TOKEN'`)),
      // Inbound notifications that failed signature verification, and AMS answers we could not verify.
      db
        .select({ n: count() })
        .from(notificationDeliveries)
        .where(and(gte(notificationDeliveries.receivedAt, since), eq(notificationDeliveries.signatureVerdict, 'invalid'))),
      db.select({ n: count() }).from(inboxEvents).where(eq(inboxEvents.workStatus, 'pending')),
      db
        .select({ n: count() })
        .from(apiCalls)
        .where(and(gte(apiCalls.createdAt, since), eq(apiCalls.signatureVerified, false))),
      db.select({ n: count() }).from(reconDiscrepancies).where(eq(reconDiscrepancies.status, 'OPEN')),
      // Refunds still without a final answer a day after they were asked for: the resolver could not settle them.
      db
        .select({ n: count() })
        .from(refunds)
        .where(and(inArray(refunds.status, ['PENDING', 'UNKNOWN']), lt(refunds.createdAt, new Date(now.getTime() - 86_400_000)))),
    ]),
  ]);
  const [lag] = await db
    .select({
      count: sql<number>`count(*)::int`,
      p95: sql<string | null>`(percentile_cont(0.95) within group (order by extract(epoch from (${inboxEvents.processedAt} - ${inboxEvents.receivedAt})) * 1000))::text`,
      max: sql<string | null>`(max(extract(epoch from (${inboxEvents.processedAt} - ${inboxEvents.receivedAt}))) * 1000)::text`,
    })
    .from(inboxEvents)
    .where(and(gte(inboxEvents.receivedAt, since), isNotNull(inboxEvents.processedAt)));
  const [unknownPayments, unknownRefunds, flaggedPayments, refreshNeedsAttention, failedRefreshes, badNotificationSignatures, pendingNotificationWork, badAnswerSignatures, openDiscrepancies, staleRefunds] =
    attention.map((r) => Number(r[0]?.n ?? 0)) as [number, number, number, number, number, number, number, number, number, number];
  return {
    zone,
    since,
    until: now,
    daily: daily.map((d) => ({ day: d.day, currency: d.currency, volumeMinor: BigInt(d.volume), succeeded: Number(d.succeeded), total: Number(d.total) })),
    wallets: wallets.map((w) => ({ wallet: w.wallet, succeeded: Number(w.succeeded), failed: Number(w.failed), final: Number(w.succeeded) + Number(w.failed) })),
    failureReasons: reasons.map((r) => ({ code: r.code, count: Number(r.count) })),
    agreements: {
      active: Number(agreementCounts[0]?.active ?? 0),
      expiringSoon: Number(agreementCounts[0]?.expiringSoon ?? 0),
      revokedInRange: Number(agreementCounts[0]?.revokedInRange ?? 0),
    },
    refunds: refundRows.map((r) => ({ currency: r.currency, count: Number(r.count), succeededMinor: BigInt(r.succeeded) })),
    attention: { unknownPayments, unknownRefunds, staleRefunds, flaggedPayments, failedRefreshes, refreshNeedsAttention, signatureFailures: badNotificationSignatures + badAnswerSignatures, pendingNotificationWork, openDiscrepancies },
    notificationLag: {
      count: Number(lag?.count ?? 0),
      p95Ms: lag?.p95 == null ? null : Math.round(Number(lag.p95)),
      maxMs: lag?.max == null ? null : Math.round(Number(lag.max)),
    },
  };
}
