/**
 * The merchant's day. Every day boundary, chart bucket, list date, filter and export in the dashboard goes through
 * this module, so a payment at 07:30 in Manila is on that Manila day, not on "yesterday" in UTC.
 *
 * Antom's reports, settlement and cancel windows run on GMT+8; Asia/Shanghai is that day and the default.
 * The reconciliation day is always Antom's (ANTOM_REPORT_ZONE), whatever the viewer's zone.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const ANTOM_REPORT_ZONE = 'Asia/Shanghai';

/** Zones offered in Settings first (where the merchant's staff live); any other IANA name is accepted too. */
export const SUGGESTED_TIME_ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Manila',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Asia/Bangkok',
  'Asia/Singapore',
  'Asia/Kuala_Lumpur',
  'Asia/Jakarta',
  'Asia/Ho_Chi_Minh',
  'Asia/Kolkata',
  'Europe/London',
  'America/Los_Angeles',
  'UTC',
] as const;

const validity = new Map<string, boolean>();

/** An IANA zone name the runtime knows (Intl), at most 64 characters. */
export function isValidTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) return false;
  const known = validity.get(zone);
  if (known !== undefined) return known;
  let ok = true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    ok = false;
  }
  validity.set(zone, ok);
  return ok;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in the zone at an instant. */
export function wallClock(at: Date, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(zone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** Minutes the zone is ahead of UTC at that instant (Manila: 480, New York in winter: -300). */
export function offsetMinutes(at: Date, zone: string): number {
  const w = wallClock(at, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** "+08:00", "-05:00", "+05:30". */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "GMT+8", "GMT+5:30", "GMT" — the short name shown beside the zone's IANA name. */
export function gmtLabel(at: Date, zone: string): string {
  const m = offsetMinutes(at, zone);
  if (m === 0) return 'GMT';
  const abs = Math.abs(m);
  return `GMT${m < 0 ? '-' : '+'}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}

/** The zone named for people: "Asia/Manila (GMT+8)". */
export function zoneName(zone: string, at: Date = new Date()): string {
  return `${zone} (${gmtLabel(at, zone)})`;
}

/** The calendar day (YYYY-MM-DD) an instant falls on in the zone. */
export function dayKey(at: Date, zone: string): string {
  const w = wallClock(at, zone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** ISO 8601 with the zone's offset: 2026-03-02T07:30:00+08:00 (exports carry this). */
export function isoInZone(at: Date, zone: string): string {
  const w = wallClock(at, zone);
  const pad = (n: number, l = 2) => String(n).padStart(l, '0');
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${formatOffset(offsetMinutes(at, zone))}`;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD string that names a real calendar day. */
export function isDayKey(value: string): boolean {
  const m = DAY.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/**
 * The instant the day begins in the zone (00:00 local). Works across DST changes: the offset is taken at the
 * guessed instant and corrected once; where midnight does not exist (clocks jump forward at 00:00, e.g.
 * America/Santiago) the guess lands on the day before, and the day starts at its first existing hour.
 */
export function startOfDay(day: string, zone: string): Date {
  // A pure function of (day, zone) for the runtime's zone data, asked again and again for the same few days
  // (a billing run asks it for each schedule's periods): remembered, within a bound.
  const key = `${zone} ${day}`;
  const known = dayStarts.get(key);
  if (known !== undefined) return new Date(known);
  const start = computeStartOfDay(day, zone);
  if (dayStarts.size >= DAY_STARTS_KEPT) dayStarts.clear();
  dayStarts.set(key, start.getTime());
  return start;
}

const DAY_STARTS_KEPT = 10_000;
const dayStarts = new Map<string, number>();

function computeStartOfDay(day: string, zone: string): Date {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`Not a day: ${day}`);
  const utcMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let guess = utcMidnight - offsetMinutes(new Date(utcMidnight), zone) * 60_000;
  const corrected = utcMidnight - offsetMinutes(new Date(guess), zone) * 60_000;
  if (corrected !== guess) guess = corrected;
  for (let i = 0; i < 4 && dayKey(new Date(guess), zone) < day; i++) guess += 60 * 60 * 1000;
  return new Date(guess);
}

/** The day after (calendar arithmetic, not +24 h). */
export function nextDay(day: string): string {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`Not a day: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1)).toISOString().slice(0, 10);
}

/** `days` calendar days before `day`. */
export function addDays(day: string, days: number): string {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`Not a day: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days)).toISOString().slice(0, 10);
}

/** [start, end) of a day in the zone. */
export function dayRange(day: string, zone: string): { start: Date; end: Date } {
  return { start: startOfDay(day, zone), end: startOfDay(nextDay(day), zone) };
}

/** The viewer's zone: their own choice, else the merchant's, else Antom's GMT+8 day. */
export function resolveZone(userZone: string | null | undefined, merchantZone: string | null | undefined): string {
  if (isValidTimeZone(userZone)) return userZone;
  if (isValidTimeZone(merchantZone)) return merchantZone;
  return DEFAULT_TIME_ZONE;
}
