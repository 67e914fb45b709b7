/**
 * The billing calendar of a schedule: pure functions, no database, no clock of their own.
 *
 * A schedule bills on local calendar dates in its anchor time zone (default Asia/Shanghai), at local midnight.
 * Period n (0-based) falls on:
 *   day / week   — the start date + n × every × (1 | 7) days;
 *   month / year — the anchor day in the month that is n × every months (years) after the first billing month,
 *                  clamped to the month's last day (an anchor of 31 bills on 30 April and 28 / 29 February).
 * The first billing month is the start's month when the anchor day (clamped) is on or after the start date,
 * else the next one. Dates are computed as calendar dates and only then turned into instants through the zone,
 * so a DST change never moves a charge to another day.
 */

import { DEFAULT_TIME_ZONE, isValidTimeZone, startOfDay, wallClock } from '@/lib/time/zone';

// The zone arithmetic has one owner (lib/time/zone.ts); the calendar names it in its own terms.
export { isValidTimeZone, wallClock as wallClockAt };

export type IntervalUnit = 'day' | 'week' | 'month' | 'year';
export const INTERVAL_UNITS: readonly IntervalUnit[] = ['day', 'week', 'month', 'year'];
export const DEFAULT_SCHEDULE_TIME_ZONE = DEFAULT_TIME_ZONE;
/** Upper bound of `every` per unit: a schedule bills at least once in about ten years. */
export const MAX_EVERY: Record<IntervalUnit, number> = { day: 3650, week: 520, month: 120, year: 10 };

/** A local calendar date (month 1–12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface CalendarSpec {
  unit: IntervalUnit;
  every: number;
  /** Day of month 1–31 (month / year); null for day / week, and for month / year means the start's day. */
  anchorDay: number | null;
  startDate: LocalDate;
  /** Last local date a period may fall on (inclusive); null: none. */
  endDate: LocalDate | null;
  /** Number of periods at most; null: none. */
  maxPeriods: number | null;
  timeZone: string;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isValidLocalDate(d: LocalDate): boolean {
  return Number.isInteger(d.year) && d.year >= 1970 && d.year <= 9999 && Number.isInteger(d.month) && d.month >= 1 && d.month <= 12 && Number.isInteger(d.day) && d.day >= 1 && d.day <= daysInMonth(d.year, d.month);
}

export function parseLocalDate(text: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isValidLocalDate(d) ? d : null;
}

export function formatLocalDate(d: LocalDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function monthAt(year: number, month: number, plusMonths: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + plusMonths;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

function clampedDay(year: number, month: number, anchor: number): LocalDate {
  return { year, month, day: Math.min(anchor, daysInMonth(year, month)) };
}

/** The local calendar date in `zone` at an instant. */
export function localDateAt(instant: Date, zone: string): LocalDate {
  const w = wallClock(instant, zone);
  return { year: w.year, month: w.month, day: w.day };
}

/**
 * The first instant of a local date in `zone` (its local midnight; where midnight does not exist because the
 * clocks jump forward at 00:00, the first instant that day has).
 */
export function startOfLocalDate(d: LocalDate, zone: string): Date {
  return startOfDay(formatLocalDate(d), zone);
}

/** The first billing date (period 0) of a spec. */
function firstDate(spec: CalendarSpec): LocalDate {
  if (spec.unit === 'day' || spec.unit === 'week') return spec.startDate;
  const anchor = spec.anchorDay ?? spec.startDate.day;
  const here = clampedDay(spec.startDate.year, spec.startDate.month, anchor);
  if (compareLocalDates(here, spec.startDate) >= 0) return here;
  const next = monthAt(spec.startDate.year, spec.startDate.month, 1);
  return clampedDay(next.year, next.month, anchor);
}

/**
 * The local date of period n (0-based), or null when the schedule has no such period (past its count or its
 * end date).
 */
export function periodDate(spec: CalendarSpec, n: number): LocalDate | null {
  if (!Number.isInteger(n) || n < 0) return null;
  if (spec.maxPeriods !== null && n >= spec.maxPeriods) return null;
  const first = firstDate(spec);
  let date: LocalDate;
  if (spec.unit === 'day') date = addDays(first, n * spec.every);
  else if (spec.unit === 'week') date = addDays(first, n * spec.every * 7);
  else {
    const anchor = spec.anchorDay ?? spec.startDate.day;
    const m = monthAt(first.year, first.month, n * spec.every * (spec.unit === 'year' ? 12 : 1));
    date = clampedDay(m.year, m.month, anchor);
  }
  if (spec.endDate && compareLocalDates(date, spec.endDate) > 0) return null;
  return date;
}

/** When period n is due: the start of its local date in the schedule's zone. */
export function periodDueAt(spec: CalendarSpec, n: number): Date | null {
  const date = periodDate(spec, n);
  return date ? startOfLocalDate(date, spec.timeZone) : null;
}

/** The index of the first period due after `instant` (strictly later), or null when none is left. */
export function firstPeriodAfter(spec: CalendarSpec, instant: Date, from = 0): number | null {
  // Estimate from the unit's length, then walk; periods are strictly increasing.
  const first = periodDueAt(spec, from);
  if (!first) return null;
  const lengthDays = { day: 1, week: 7, month: 28, year: 365 }[spec.unit] * spec.every;
  let n = Math.max(from, from + Math.floor((instant.getTime() - first.getTime()) / (lengthDays * 86_400_000)) - 2);
  for (;;) {
    const due = periodDueAt(spec, n);
    if (!due) return null;
    if (due.getTime() > instant.getTime()) break;
    n++;
  }
  while (n > from) {
    const before = periodDueAt(spec, n - 1);
    if (!before || before.getTime() <= instant.getTime()) break;
    n--;
  }
  return n;
}

/** The latest period due at or before `instant`, at or after `from`; null when none is due yet. */
export function latestDuePeriod(spec: CalendarSpec, instant: Date, from = 0): number | null {
  const after = firstPeriodAfter(spec, instant, from);
  if (after === null) {
    // No period after: the last existing one, if it is due.
    let n = from;
    let last: number | null = null;
    const count = spec.maxPeriods ?? Number.MAX_SAFE_INTEGER;
    // Bounded: an end date or a count always exists when there is no next period.
    for (; n < count; n++) {
      const due = periodDueAt(spec, n);
      if (!due || due.getTime() > instant.getTime()) break;
      last = n;
      if (n - from > 100_000) break;
    }
    return last;
  }
  return after > from ? after - 1 : null;
}

/** The next `count` billing dates due strictly after `instant` (the "next five dates" preview before saving). */
export function previewDates(spec: CalendarSpec, instant: Date, count = 5): { period: number; date: string; dueAt: Date }[] {
  const out: { period: number; date: string; dueAt: Date }[] = [];
  let n = firstPeriodAfter(spec, instant);
  while (n !== null && out.length < count) {
    const date = periodDate(spec, n);
    if (!date) break;
    out.push({ period: n, date: formatLocalDate(date), dueAt: startOfLocalDate(date, spec.timeZone) });
    n++;
  }
  return out;
}
