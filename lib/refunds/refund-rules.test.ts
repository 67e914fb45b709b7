import { describe, expect, it } from 'vitest';
import { refundAvailability } from './refund-availability';
import { MAX_INQUIRY_DELAY_SECONDS, nextRefundDelaySeconds } from './resolve-refund';

// parseStaffAmount (shared with charges) is tested in lib/money/parse-staff-amount.test.ts.

describe('refundAvailability — the buttons the role and the payment allow', () => {
  const base = {
    status: 'SUCCEEDED' as const,
    paymentId: '2026abc',
    paymentMethod: 'GCASH',
    currency: 'PHP',
    amountMinor: 10_000n,
    refundedMinor: 0n,
    refundPendingMinor: 0n,
    succeededAt: new Date('2026-01-01T00:00:00Z'),
    createdAt: new Date('2026-01-01T00:00:00Z'),
  };
  const now = new Date('2026-02-01T00:00:00Z');

  it('hides every money button from a viewer', () => {
    expect(refundAvailability(base, 'viewer', {}, now)).toEqual({ kind: 'hidden' });
  });
  it('opens the form for an admin with what is left, and for an operator with their limit', () => {
    expect(refundAvailability({ ...base, refundedMinor: 2_000n, refundPendingMinor: 1_000n }, 'admin', {}, now)).toMatchObject({ kind: 'open', leftMinor: 7_000n, limitMinor: null });
    expect(refundAvailability(base, 'operator', { PHP: '5000' }, now)).toMatchObject({ kind: 'open', limitMinor: 5_000n });
  });
  it.each([
    ['a failed payment', { status: 'FAILED' as const }, 'admin', {}, 'not_succeeded'],
    ['a payment still unknown', { status: 'UNKNOWN' as const }, 'admin', {}, 'not_succeeded'],
    ['everything refunded or reserved', { refundedMinor: 6_000n, refundPendingMinor: 4_000n }, 'admin', {}, 'nothing_left'],
    ['past the 365-day window', { succeededAt: new Date('2024-12-01T00:00:00Z') }, 'admin', {}, 'window_closed'],
    ['an operator without a limit for the currency', {}, 'operator', { KRW: '100000' }, 'no_operator_limit'],
  ] as const)('is disabled with its reason for %s', (_name, patch, role, limits, blocker) => {
    expect(refundAvailability({ ...base, ...patch }, role, limits, now)).toMatchObject({ kind: 'blocked', blocker });
  });
});

describe('resolver back-off', () => {
  it('resends 2 s apart, then inquires after 2, 4, 8 … s, capped so an unknown refund is settled within minutes', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(nextRefundDelaySeconds)).toEqual([2, 2, 2, 2, 4, 8, 16]);
    expect(nextRefundDelaySeconds(40)).toBe(MAX_INQUIRY_DELAY_SECONDS);
  });
});
