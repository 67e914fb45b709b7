import { describe, expect, it } from 'vitest';
import { cancelDeadline } from './cancel-deadline';

describe('cancelDeadline (00:15 GMT+8 on T+1)', () => {
  it.each([
    ['2026-03-10T01:00:00Z', '2026-03-10T16:15:00Z'], // 09:00 GMT+8 on the 10th → 00:15 GMT+8 on the 11th
    ['2026-03-10T15:59:59Z', '2026-03-10T16:15:00Z'], // 23:59:59 GMT+8, still the 10th
    ['2026-03-10T16:00:00Z', '2026-03-11T16:15:00Z'], // midnight GMT+8: already the 11th, so T+1 is the 12th
    ['2026-12-31T20:00:00Z', '2027-01-01T16:15:00Z'], // the GMT+8 day crosses the year
  ])('a payment at %s can be cancelled until %s, not a second longer', (created, deadline) => {
    expect(cancelDeadline(new Date(created)).toISOString()).toBe(new Date(deadline).toISOString());
  });
});
