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

describe('the per-address POST bucket at its default (5 per second, bursts of 100)', () => {
  it('500 buyers behind one NAT address, two POSTs each within 10 minutes, all pass; a script at 50 per second is held to 5', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 100, refillPerSecond: 5, now: () => now });
    let refused = 0;
    // 1,000 POSTs at random moments in 10 minutes (a seeded walk, bunched: up to 20 in the same second).
    let seed = 25;
    const times = Array.from({ length: 1000 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 600_000).sort((a, b) => a - b);
    for (const t of times) {
      now = t;
      if (!buckets.take('100.64.7.7')) refused++;
    }
    expect(refused).toBe(0);
    // A script from another address: 50 per second for a minute.
    let allowed = 0;
    for (let i = 0; i < 3000; i++) {
      now = 600_000 + i * 20;
      if (buckets.take('203.0.113.9')) allowed++;
    }
    expect(allowed).toBeLessThanOrEqual(100 + 5 * 60 + 1);
  });
});
