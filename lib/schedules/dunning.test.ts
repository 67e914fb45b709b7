import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, declineKind, maxAttemptsFor, nextRetryAt, parseLadder } from './dunning';

const settings = { ladderDays: [1, 3, 5, 7], afterLadder: 'PAST_DUE' as const };
const due = new Date('2027-01-31T16:00:00Z');

describe('dunning ladder', () => {
  it('retries 1, 3, 5 and 7 days after the due date, then stops', () => {
    let lastTriedAt = due;
    const retries: string[] = [];
    for (let tries = 1; ; tries++) {
      const at = nextRetryAt({ dueAt: due, tries, lastTriedAt, settings });
      if (!at) break;
      retries.push(at.toISOString().slice(0, 10));
      lastTriedAt = at;
    }
    expect(retries).toEqual(['2027-02-01', '2027-02-03', '2027-02-05', '2027-02-07']);
    expect(maxAttemptsFor(settings)).toBe(5);
  });

  it('property: never more than once a day, whatever the ladder and however late the last try', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 5 * DAY_MS }), (raw, lateMs) => {
        const ladderDays = [...raw].sort((a, b) => a - b);
        let lastTriedAt = new Date(due.getTime() + lateMs);
        for (let tries = 1; tries <= ladderDays.length; tries++) {
          const at = nextRetryAt({ dueAt: due, tries, lastTriedAt, settings: { ladderDays, afterLadder: 'UNPAID' } })!;
          expect(at.getTime() - lastTriedAt.getTime()).toBeGreaterThanOrEqual(DAY_MS);
          lastTriedAt = at;
        }
        expect(nextRetryAt({ dueAt: due, tries: ladderDays.length + 1, lastTriedAt, settings: { ladderDays, afterLadder: 'UNPAID' } })).toBeNull();
      }),
    );
  });

  it('soft declines are the buyer-fixable ones and the timeouts ending FAILED; token and account problems are hard', () => {
    for (const code of ['USER_BALANCE_NOT_ENOUGH', 'RISK_REJECT', 'USER_PAYMENT_VERIFICATION_FAILED', 'CANCELLED_BY_RESOLVER', 'ORDER_IS_CLOSED']) expect(declineKind(code)).toBe('soft');
    for (const code of ['INVALID_ACCESS_TOKEN', 'USER_NOT_EXIST', 'PARAM_ILLEGAL', 'SOMETHING_NEW', null]) expect(declineKind(code)).toBe('hard');
  });

  it('parses a ladder and refuses one that retries twice a day or goes down', () => {
    expect(parseLadder('1, 3, 5, 7')).toEqual({ ok: true, days: [1, 3, 5, 7] });
    expect(parseLadder('1 1 2').ok).toBe(false);
    expect(parseLadder('3,1').ok).toBe(false);
    expect(parseLadder('0').ok).toBe(false);
    expect(parseLadder('1.5').ok).toBe(false);
    expect(parseLadder('')).toEqual({ ok: true, days: [] });
  });
});
