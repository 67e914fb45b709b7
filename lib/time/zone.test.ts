import { describe, expect, it } from 'vitest';
import { endOfDay, parseListFilters, filtersToQuery } from '@/lib/lists/parse-list-filters';
import { addDays, dayKey, dayRange, gmtLabel, isoInZone, isValidTimeZone, offsetMinutes, resolveZone, startOfDay, zoneName } from './zone';

describe('merchant time zone', () => {
  const manila0730 = new Date('2026-03-01T23:30:00Z'); // 07:30 on 2 March in Manila

  it('puts 07:30 in Manila on that Manila day, not on "yesterday" in UTC', () => {
    expect(dayKey(manila0730, 'Asia/Manila')).toBe('2026-03-02');
    expect(dayKey(manila0730, 'UTC')).toBe('2026-03-01');
    expect(isoInZone(manila0730, 'Asia/Manila')).toBe('2026-03-02T07:30:00+08:00');
    expect(isoInZone(manila0730, 'Asia/Seoul')).toBe('2026-03-02T08:30:00+09:00');
    expect(isoInZone(manila0730, 'Asia/Kolkata')).toBe('2026-03-02T05:00:00+05:30');
  });

  it('names zones with their offset', () => {
    expect(gmtLabel(manila0730, 'Asia/Shanghai')).toBe('GMT+8');
    expect(gmtLabel(manila0730, 'Asia/Kolkata')).toBe('GMT+5:30');
    expect(gmtLabel(manila0730, 'UTC')).toBe('GMT');
    expect(zoneName('Asia/Seoul', manila0730)).toBe('Asia/Seoul (GMT+9)');
    expect(offsetMinutes(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(-240);
  });

  it('starts days at local midnight, also on DST days (23 h and 25 h long)', () => {
    expect(startOfDay('2026-03-02', 'Asia/Manila').toISOString()).toBe('2026-03-01T16:00:00.000Z');
    const spring = dayRange('2026-03-08', 'America/New_York');
    expect(spring.start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(23);
    const autumn = dayRange('2026-11-01', 'America/New_York');
    expect((autumn.end.getTime() - autumn.start.getTime()) / 3_600_000).toBe(25);
    // Santiago jumps from 00:00 to 01:00 on 2026-09-06: that day starts at 01:00 local, not on the day before.
    const gap = startOfDay('2026-09-06', 'America/Santiago');
    expect(dayKey(gap, 'America/Santiago')).toBe('2026-09-06');
    expect(dayKey(new Date(gap.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('answers a remembered day start as a fresh Date, and still refuses what is not a day or a zone', () => {
    const first = startOfDay('2026-05-31', 'Asia/Seoul');
    first.setTime(0);
    expect(startOfDay('2026-05-31', 'Asia/Seoul').toISOString()).toBe('2026-05-30T15:00:00.000Z');
    expect(startOfDay('2026-05-31', 'Asia/Manila').toISOString()).toBe('2026-05-30T16:00:00.000Z');
    expect(() => startOfDay('2026-5-31', 'Asia/Seoul')).toThrow(RangeError);
    expect(() => startOfDay('2026-05-31', 'Mars/Olympus')).toThrow(RangeError);
    // Asked again: a refusal is not remembered as an answer.
    expect(() => startOfDay('2026-05-31', 'Mars/Olympus')).toThrow(RangeError);
  });

  it('accepts only zones the runtime knows and falls back user → merchant → GMT+8', () => {
    expect(isValidTimeZone('Asia/Manila')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone("Asia/Manila'; drop table x")).toBe(false);
    expect(resolveZone('Asia/Seoul', 'Asia/Manila')).toBe('Asia/Seoul');
    expect(resolveZone(null, 'Asia/Manila')).toBe('Asia/Manila');
    expect(resolveZone('nope', null)).toBe('Asia/Shanghai');
  });

  it('reads list date filters as days of the viewer zone and writes them back unchanged', () => {
    const parsed = parseListFilters({ from: '2026-03-02', to: '2026-03-02' }, { zone: 'Asia/Manila' });
    expect(parsed.ok).toBe(true);
    const f = parsed.filters;
    expect(f.from!.toISOString()).toBe('2026-03-01T16:00:00.000Z');
    expect(endOfDay(f.to!, f.zone).toISOString()).toBe('2026-03-02T16:00:00.000Z');
    expect(f.from! <= manila0730 && manila0730 < endOfDay(f.to!, f.zone)).toBe(true);
    expect(filtersToQuery(f).toString()).toBe('from=2026-03-02&to=2026-03-02');
    expect(parseListFilters({ from: '2026-02-31' }, { zone: 'Asia/Manila' }).ok).toBe(false);
  });
});
