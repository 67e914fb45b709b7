import type { BillingSchedule } from '@/lib/db/schema';
import {
  DEFAULT_SCHEDULE_TIME_ZONE,
  INTERVAL_UNITS,
  MAX_EVERY,
  compareLocalDates,
  isValidTimeZone,
  parseLocalDate,
  type CalendarSpec,
  type IntervalUnit,
} from './period-calendar';

/** The calendar fields of a schedule as a person or an API sends them (strings and numbers, unchecked). */
export interface CalendarInput {
  intervalUnit: string;
  intervalCount: number;
  /** Day of month 1–31 for month / year; empty for the start date's day. */
  anchorDay?: number | null;
  /** YYYY-MM-DD in the anchor time zone. */
  startDate: string;
  endDate?: string | null;
  maxPeriods?: number | null;
  timeZone?: string | null;
}

export type SpecResult = { ok: true; spec: CalendarSpec } | { ok: false; error: string; field: string };

/** Checks the calendar fields and says what is wrong, one field at a time. */
export function parseCalendarInput(input: CalendarInput): SpecResult {
  if (!(INTERVAL_UNITS as readonly string[]).includes(input.intervalUnit)) return { ok: false, field: 'intervalUnit', error: 'Choose day, week, month or year.' };
  const unit = input.intervalUnit as IntervalUnit;
  if (!Number.isInteger(input.intervalCount) || input.intervalCount < 1 || input.intervalCount > MAX_EVERY[unit]) {
    return { ok: false, field: 'intervalCount', error: `Bill every 1 to ${MAX_EVERY[unit]} ${unit}s.` };
  }
  const timeZone = (input.timeZone ?? '').trim() || DEFAULT_SCHEDULE_TIME_ZONE;
  if (!isValidTimeZone(timeZone)) return { ok: false, field: 'timeZone', error: `${timeZone} is not a time zone (use a name such as Asia/Shanghai).` };
  const startDate = parseLocalDate(input.startDate ?? '');
  if (!startDate) return { ok: false, field: 'startDate', error: 'Enter the start date as YYYY-MM-DD (a date that exists).' };
  let anchorDay: number | null = null;
  if (input.anchorDay !== null && input.anchorDay !== undefined) {
    if (unit === 'day' || unit === 'week') return { ok: false, field: 'anchorDay', error: 'An anchor day applies to monthly and yearly schedules only.' };
    if (!Number.isInteger(input.anchorDay) || input.anchorDay < 1 || input.anchorDay > 31) {
      return { ok: false, field: 'anchorDay', error: 'The anchor is a day of the month from 1 to 31 (29–31 bill on the last day of shorter months).' };
    }
    anchorDay = input.anchorDay;
  }
  let endDate = null;
  if (input.endDate) {
    endDate = parseLocalDate(input.endDate);
    if (!endDate) return { ok: false, field: 'endDate', error: 'Enter the end date as YYYY-MM-DD (a date that exists).' };
    if (compareLocalDates(endDate, startDate) < 0) return { ok: false, field: 'endDate', error: 'The end date is before the start date.' };
  }
  let maxPeriods: number | null = null;
  if (input.maxPeriods !== null && input.maxPeriods !== undefined) {
    if (!Number.isInteger(input.maxPeriods) || input.maxPeriods < 1 || input.maxPeriods > 10_000) return { ok: false, field: 'maxPeriods', error: 'The number of charges is 1 to 10,000.' };
    maxPeriods = input.maxPeriods;
  }
  if (endDate && maxPeriods !== null) return { ok: false, field: 'endDate', error: 'Give an end date or a number of charges, not both.' };
  return { ok: true, spec: { unit, every: input.intervalCount, anchorDay, startDate, endDate, maxPeriods, timeZone } };
}

/** The calendar of a stored schedule. */
export function specOf(schedule: Pick<BillingSchedule, 'intervalUnit' | 'intervalCount' | 'anchorDay' | 'startDate' | 'endDate' | 'maxPeriods' | 'timeZone'>): CalendarSpec {
  const startDate = parseLocalDate(schedule.startDate);
  if (!startDate) throw new Error(`schedule start date ${schedule.startDate} is not a date`);
  return {
    unit: schedule.intervalUnit,
    every: schedule.intervalCount,
    anchorDay: schedule.anchorDay,
    startDate,
    endDate: schedule.endDate ? parseLocalDate(schedule.endDate) : null,
    maxPeriods: schedule.maxPeriods,
    timeZone: schedule.timeZone,
  };
}

/** The intent's business key of one period: unique per merchant, so a period is one intent and one debit. */
export function periodBusinessKey(scheduleId: string, periodNumber: number): string {
  return `sch_${scheduleId}_${periodNumber}`;
}
