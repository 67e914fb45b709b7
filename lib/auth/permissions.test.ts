import { describe, expect, it } from 'vitest';
import { assertCan, can, canRefundAmount, ForbiddenError, PERMISSIONS } from './permissions';

describe('permission map', () => {
  it('gives viewers read only', () => {
    const viewerPermissions = Object.keys(PERMISSIONS).filter((p) => can('viewer', p as keyof typeof PERMISSIONS));
    expect(viewerPermissions).toEqual(['dashboard.read']);
  });

  it('lets operators charge, cancel and refund but not manage users, settings or keys', () => {
    expect(can('operator', 'payments.charge')).toBe(true);
    expect(can('operator', 'payments.cancel')).toBe(true);
    expect(can('operator', 'refunds.create')).toBe(true);
    for (const p of ['users.manage', 'settings.manage', 'keys.manage', 'refunds.unlimited', 'sessions.revoke'] as const) {
      expect(can('operator', p)).toBe(false);
    }
  });

  it('gives admins everything', () => {
    for (const p of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can('admin', p)).toBe(true);
  });

  it('throws a typed error from assertCan', () => {
    expect(() => assertCan({ role: 'viewer' }, 'payments.charge')).toThrow(ForbiddenError);
    expect(() => assertCan({ role: 'admin' }, 'payments.charge')).not.toThrow();
  });
});

describe('canRefundAmount', () => {
  const limits = { USD: '10000', JPY: '5000' };
  it('holds operators to the per-currency limit, inclusive', () => {
    expect(canRefundAmount('operator', 10_000n, 'USD', limits)).toBe(true);
    expect(canRefundAmount('operator', 10_001n, 'USD', limits)).toBe(false);
    expect(canRefundAmount('operator', 5_000n, 'JPY', limits)).toBe(true);
  });
  it('fails closed for a currency with no limit or a malformed one', () => {
    expect(canRefundAmount('operator', 1n, 'PHP', limits)).toBe(false);
    expect(canRefundAmount('operator', 1n, 'USD', { USD: '12.5' })).toBe(false);
  });
  it('lets admins refund any amount and viewers none', () => {
    expect(canRefundAmount('admin', 10n ** 15n, 'PHP', {})).toBe(true);
    expect(canRefundAmount('viewer', 1n, 'USD', limits)).toBe(false);
  });
});
