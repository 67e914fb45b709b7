import { and, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { billingSchedules, schedulePeriods } from '@/lib/db/schema';
import { DAY_MS } from './dunning';
import { latestDuePeriod, periodDueAt } from './period-calendar';
import { specOf } from './schedule-spec';

/** The Overview's window of expected billing. */
export const EXPECTED_WINDOW_DAYS = 7;
/** A schedule bills at most this many periods inside the window (every day for 7 days). */
const MAX_PERIODS_IN_WINDOW = EXPECTED_WINDOW_DAYS + 1;

export interface ExpectedVolume {
  currency: string;
  /** What the due periods and the retries in the window would charge, minor units. */
  amountMinor: bigint;
  /** Periods falling due in the window. */
  periods: number;
  /** Declined periods whose next ladder step falls in the window. */
  retries: number;
}

export interface ScheduleOverview {
  pastDue: number;
  unpaid: number;
  /** [now, now + 7 days), per currency, sorted by currency. */
  expected: ExpectedVolume[];
  windowDays: number;
}

/**
 * The Overview's schedule tiles: how many schedules are past due and unpaid, and what billing expects to charge
 * in the next seven days per currency — each period of an ACTIVE or PAST_DUE schedule falling due in the window
 * (from its calendar: a daily schedule has up to seven, a schedule ending at the period end none after it), at the
 * schedule's current amount, plus the ladder retries scheduled in the window. Reads the due index and the retry
 * index, never the whole table.
 */
export async function getScheduleOverview(db: Db, now: Date): Promise<ScheduleOverview> {
  const until = new Date(now.getTime() + EXPECTED_WINDOW_DAYS * DAY_MS);
  const [counts, due, retries] = await Promise.all([
    db
      .select({ status: billingSchedules.status, n: sql<number>`count(*)::int` })
      .from(billingSchedules)
      .where(inArray(billingSchedules.status, ['PAST_DUE', 'UNPAID']))
      .groupBy(billingSchedules.status),
    db
      .select({
        amountMinor: billingSchedules.amountMinor,
        currency: billingSchedules.currency,
        nextPeriod: billingSchedules.nextPeriod,
        nextDueAt: billingSchedules.nextDueAt,
        cancelAtPeriodEnd: billingSchedules.cancelAtPeriodEnd,
        catchUp: billingSchedules.catchUp,
        intervalUnit: billingSchedules.intervalUnit,
        intervalCount: billingSchedules.intervalCount,
        anchorDay: billingSchedules.anchorDay,
        startDate: billingSchedules.startDate,
        endDate: billingSchedules.endDate,
        maxPeriods: billingSchedules.maxPeriods,
        timeZone: billingSchedules.timeZone,
      })
      .from(billingSchedules)
      // The predicate of billing_schedules_due_idx, so the window is an index range.
      .where(and(sql`${billingSchedules.status} in ('ACTIVE', 'PAST_DUE')`, isNotNull(billingSchedules.nextDueAt), lt(billingSchedules.nextDueAt, until))),
    db
      .select({ currency: schedulePeriods.currency, amountMinor: sql<string>`sum(${schedulePeriods.amountMinor})`, n: sql<number>`count(*)::int` })
      .from(schedulePeriods)
      .innerJoin(billingSchedules, eq(billingSchedules.id, schedulePeriods.scheduleId))
      .where(and(eq(schedulePeriods.status, 'retrying'), gte(schedulePeriods.nextRetryAt, now), lt(schedulePeriods.nextRetryAt, until), sql`${billingSchedules.status} in ('ACTIVE', 'PAST_DUE')`))
      .groupBy(schedulePeriods.currency),
  ]);

  const byCurrency = new Map<string, ExpectedVolume>();
  const entry = (currency: string) => {
    let e = byCurrency.get(currency);
    if (!e) byCurrency.set(currency, (e = { currency, amountMinor: 0n, periods: 0, retries: 0 }));
    return e;
  };
  for (const s of due) {
    if (s.cancelAtPeriodEnd || !s.nextDueAt) continue;
    const spec = specOf(s);
    // Periods already due that the run has not reached yet: it charges the latest of them (all, with catch-up).
    let first = s.nextPeriod;
    let n = 0;
    if (s.nextDueAt.getTime() <= now.getTime()) {
      const latest = latestDuePeriod(spec, now, s.nextPeriod) ?? s.nextPeriod;
      n = s.catchUp ? latest - s.nextPeriod + 1 : 1;
      first = latest + 1;
    }
    for (let p = first, k = 0; k < MAX_PERIODS_IN_WINDOW; p++, k++) {
      const at = p === s.nextPeriod ? s.nextDueAt : periodDueAt(spec, p);
      if (!at || at.getTime() >= until.getTime()) break;
      n++;
    }
    if (n === 0) continue;
    const e = entry(s.currency);
    e.amountMinor += s.amountMinor * BigInt(n);
    e.periods += n;
  }
  for (const r of retries) {
    const e = entry(r.currency);
    e.amountMinor += BigInt(r.amountMinor ?? '0');
    e.retries += r.n;
  }
  return {
    pastDue: counts.find((c) => c.status === 'PAST_DUE')?.n ?? 0,
    unpaid: counts.find((c) => c.status === 'UNPAID')?.n ?? 0,
    expected: [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    windowDays: EXPECTED_WINDOW_DAYS,
  };
}
