import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('allows a burst of `capacity`, then refills at the given rate', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 3, refillPerSecond: 1, now: () => now });
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([true, true, true, false]);
    expect(buckets.retryAfterSeconds('a')).toBe(1);
    now += 1000;
    expect(buckets.take('a')).toBe(true);
    expect(buckets.take('a')).toBe(false);
    // Another key has its own bucket.
    expect(buckets.take('b')).toBe(true);
  });

  it('counts refusals until they are taken, and allows() takes nothing', () => {
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 0.001, now: () => 0 });
    expect(buckets.allows('a')).toBe(true);
    expect(buckets.allows('a')).toBe(true);
    buckets.charge('a');
    expect(buckets.allows('a')).toBe(false);
    expect(buckets.take('a')).toBe(false);
    expect(buckets.takeSuppressed('a')).toBe(2);
    expect(buckets.takeSuppressed('a')).toBe(0);
  });

  it('charge() goes into debt, bounded by one capacity', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 2, refillPerSecond: 1, now: () => now });
    for (let i = 0; i < 10; i++) buckets.charge('a');
    now += 2000;
    expect(buckets.allows('a')).toBe(false); // -2 + 2 = 0
    now += 1000;
    expect(buckets.allows('a')).toBe(true);
  });

  it('keeps at most maxKeys buckets, dropping refilled ones first', () => {
    const now = 0;
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 1, maxKeys: 100, now: () => now });
    buckets.take('hot');
    for (let i = 0; i < 1000; i++) buckets.allows(`k${i}`);
    expect(buckets.size).toBeLessThanOrEqual(100);
    expect(buckets.size).toBe(100);
  });
});
