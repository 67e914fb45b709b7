import { describe, expect, it } from 'vitest';
import { RETRY_POLICY, worstCaseCallMs, type RetryOperation } from '@/lib/alipay';
import { MIN_REFRESH_INTERVAL_MS, nextRefreshDueAt, staleRefreshMs } from './refresh-schedule';

const at = Date.parse('2026-12-01T00:00:00Z');
const due = (lifetimeMs: number, paymentMethod = 'GCASH') =>
  nextRefreshDueAt({ issuedAt: new Date(at), expiresAt: new Date(at + lifetimeMs), paymentMethod })!.getTime() - at;
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe('refresh timing follows the token lifetime', () => {
  it('a 2-minute token at 80 s (two thirds), a 30-day token 7 days early (the wallet bound), a 1-day token at 16 h', () => {
    expect(due(2 * MIN)).toBe(80_000);
    expect(due(30 * DAY)).toBe(23 * DAY);
    expect(due(DAY)).toBe(16 * 60 * MIN);
  });
  it('never sooner than 30 s after issue, whatever the lifetime (no refresh loop); no expiry → never', () => {
    expect(due(10_000)).toBe(MIN_REFRESH_INTERVAL_MS);
    expect(due(-5_000)).toBe(MIN_REFRESH_INTERVAL_MS);
    expect(nextRefreshDueAt({ issuedAt: new Date(at), expiresAt: null, paymentMethod: 'GCASH' })).toBeNull();
    expect(due(30 * DAY, 'NOT_A_WALLET')).toBe(23 * DAY);
  });
  it('the claim outlives a token query plus the one refresh, every attempt timing out (40 s timeout: past 120 s)', () => {
    const alipay = { worstCaseCallMs: (op: RetryOperation) => worstCaseCallMs({ timeoutMs: 40_000, maxRetries: RETRY_POLICY[op].transportRetries, retryBaseDelayMs: 250 }) };
    expect(staleRefreshMs({ alipay } as never)).toBe(3 * 40_000 + 250 + 500 + 40_000 + 30_000);
    expect(staleRefreshMs({ alipay } as never)).toBeGreaterThan(120_000);
  });
});
