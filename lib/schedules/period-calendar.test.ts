import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daysInMonth,
  firstPeriodAfter,
  formatLocalDate,
  latestDuePeriod,
  localDateAt,
  periodDate,
  periodDueAt,
  previewDates,
  startOfLocalDate,
  wallClockAt,
  type CalendarSpec,
} from './period-calendar';

const base: CalendarSpec = { unit: 'month', every: 1, anchorDay: 31, startDate: { year: 2027, month: 1, day: 1 }, endDate: null, maxPeriods: null, timeZone: 'Asia/Shanghai' };

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'America/Santiago', 'Pacific/Auckland', 'UTC', 'Asia/Kolkata'];

const specArb = fc.record({
  unit: fc.constantFrom('day', 'week', 'month', 'year') as fc.Arbitrary<CalendarSpec['unit']>,
  every: fc.integer({ min: 1, max: 6 }),
  anchorDay: fc.integer({ min: 1, max: 31 }),
  startDate: fc.record({ year: fc.integer({ min: 2020, max: 2040 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) }),
  timeZone: fc.constantFrom(...ZONES),
}).map((r): CalendarSpec => ({ ...r, anchorDay: r.unit === 'month' || r.unit === 'year' ? r.anchorDay : null, endDate: null, maxPeriods: null }));

describe('period calendar', () => {
  it('anchored on the 31st: bills on the last day of shorter months, 29 February in a leap year', () => {
    const dates = Array.from({ length: 14 }, (_, n) => formatLocalDate(periodDate(base, n)!));
    expect(dates).toEqual([
      '2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31', '2027-06-30', '2027-07-31',
      '2027-08-31', '2027-09-30', '2027-10-31', '2027-11-30', '2027-12-31', '2028-01-31', '2028-02-29',
    ]);
  });

  it('the due instant is local midnight in the anchor zone (Asia/Shanghai is UTC+8)', () => {
    expect(periodDueAt(base, 0)!.toISOString()).toBe('2027-01-30T16:00:00.000Z');
  });

  it('a start after the anchor day bills first in the next month; count and end date end the schedule', () => {
    const spec: CalendarSpec = { ...base, anchorDay: 5, startDate: { year: 2027, month: 3, day: 10 }, maxPeriods: 3 };
    expect([0, 1, 2, 3].map((n) => periodDate(spec, n) && formatLocalDate(periodDate(spec, n)!))).toEqual(['2027-04-05', '2027-05-05', '2027-06-05', null]);
    const ended: CalendarSpec = { ...spec, maxPeriods: null, endDate: { year: 2027, month: 5, day: 4 } };
    expect(periodDate(ended, 1)).toBeNull();
  });

  it('previews the next five dates and finds the latest missed period', () => {
    const now = new Date('2027-05-15T00:00:00Z');
    expect(previewDates(base, now).map((p) => p.date)).toEqual(['2027-05-31', '2027-06-30', '2027-07-31', '2027-08-31', '2027-09-30']);
    expect(latestDuePeriod(base, now)).toBe(3); // 30 April
    expect(firstPeriodAfter(base, now)).toBe(4);
  });

  it('DST: a New York weekly schedule keeps its local midnight across the March change', () => {
    const spec: CalendarSpec = { unit: 'week', every: 1, anchorDay: null, startDate: { year: 2027, month: 3, day: 8 }, endDate: null, maxPeriods: null, timeZone: 'America/New_York' };
    const a = periodDueAt(spec, 0)!;
    const b = periodDueAt(spec, 1)!;
    expect(wallClockAt(a, spec.timeZone)).toMatchObject({ hour: 0, day: 8 });
    expect(wallClockAt(b, spec.timeZone)).toMatchObject({ hour: 0, day: 15 });
    expect(b.getTime() - a.getTime()).toBe(7 * 86_400_000 - 3_600_000);
  });

  it('a zone whose clocks jump at midnight still bills on the right local date', () => {
    // America/Santiago moves from 00:00 to 01:00 on the first Sunday of September.
    const d = { year: 2027, month: 9, day: 5 };
    const at = startOfLocalDate(d, 'America/Santiago');
    expect(localDateAt(at, 'America/Santiago')).toEqual(d);
    expect(localDateAt(new Date(at.getTime() - 1), 'America/Santiago')).not.toEqual(d);
  });

  it('property: due instants strictly increase, fall on the local date, and month anchors follow the end-of-month rule', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 0, max: 40 }), (spec, n) => {
        const d0 = periodDate(spec, n)!;
        const d1 = periodDate(spec, n + 1)!;
        const t0 = periodDueAt(spec, n)!;
        const t1 = periodDueAt(spec, n + 1)!;
        expect(t1.getTime()).toBeGreaterThan(t0.getTime());
        // DST-safe: the instant is on its own local date, and the instant before it is on an earlier date.
        expect(localDateAt(t0, spec.timeZone)).toEqual(d0);
        expect(formatLocalDate(localDateAt(new Date(t0.getTime() - 1), spec.timeZone)) < formatLocalDate(d0)).toBe(true);
        if (spec.unit === 'month' || spec.unit === 'year') {
          expect(d1.day).toBe(Math.min(spec.anchorDay!, daysInMonth(d1.year, d1.month)));
          const months = (d1.year - d0.year) * 12 + d1.month - d0.month;
          expect(months).toBe(spec.every * (spec.unit === 'year' ? 12 : 1));
        } else {
          const days = Math.round((Date.UTC(d1.year, d1.month - 1, d1.day) - Date.UTC(d0.year, d0.month - 1, d0.day)) / 86_400_000);
          expect(days).toBe(spec.every * (spec.unit === 'week' ? 7 : 1));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: the latest due period and the first after an instant bracket it', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 0, max: 2_000 }), (spec, days) => {
        const instant = new Date(periodDueAt(spec, 0)!.getTime() + days * 86_400_000 + 3_600_000);
        const latest = latestDuePeriod(spec, instant)!;
        const next = firstPeriodAfter(spec, instant)!;
        expect(next).toBe(latest + 1);
        expect(periodDueAt(spec, latest)!.getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(periodDueAt(spec, next)!.getTime()).toBeGreaterThan(instant.getTime());
        const preview = previewDates(spec, instant);
        expect(preview.map((p) => p.period)).toEqual([next, next + 1, next + 2, next + 3, next + 4]);
      }),
      { numRuns: 200 },
    );
  });
});
