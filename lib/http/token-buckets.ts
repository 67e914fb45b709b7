/**
 * Per-key token buckets in memory (one process): `capacity` tokens, refilled continuously at `refillPerSecond`.
 * O(1) per call and bounded memory: at most `maxKeys` buckets; when full, a bucket that has refilled
 * completely (indistinguishable from a new one) or else the least recently used one is dropped. A dropped
 * bucket only ever forgets a debt, so eviction can make a limit more lenient, never stricter.
 *
 * Several web processes each keep their own buckets: the effective limit is the per-process one times the
 * number of processes, which is fine for its purpose (capping the work one address can cause, cheaply,
 * before anything touches the database).
 */
export interface TokenBucketOptions {
  capacity: number;
  refillPerSecond: number;
  /** Most keys remembered at once (default 50,000: a few MB). */
  maxKeys?: number;
  /** Milliseconds clock (tests). */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** Requests refused since the last `takeSuppressed` (so an aggregated record can count them). */
  suppressed: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;
  private readonly clock: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) throw new Error('A token bucket needs capacity ≥ 1 and a positive refill rate.');
    this.maxKeys = options.maxKeys ?? 50_000;
    this.clock = options.now ?? Date.now;
  }

  private bucket(key: string): Bucket {
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.options.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.options.refillPerSecond);
      bucket.at = now;
      // Move to the end: Map order is the LRU order.
      this.buckets.delete(key);
      this.buckets.set(key, bucket);
      return bucket;
    }
    if (this.buckets.size >= this.maxKeys) this.evict(now);
    bucket = { tokens: this.options.capacity, at: now, suppressed: 0 };
    this.buckets.set(key, bucket);
    return bucket;
  }

  private evict(now: number): void {
    // The oldest quarter is looked at; full ones go first, else the oldest one.
    let looked = 0;
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.options.refillPerSecond >= this.options.capacity && b.suppressed === 0) {
        this.buckets.delete(key);
        return;
      }
      if (++looked > this.maxKeys / 4) break;
    }
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }

  /** Whether a request from `key` may go on (at least `cost` tokens left), without taking any; a refusal is counted. */
  allows(key: string, cost = 1): boolean {
    const bucket = this.bucket(key);
    if (bucket.tokens >= cost) return true;
    bucket.suppressed++;
    return false;
  }

  /** Takes `cost` tokens; false (and nothing taken, the refusal counted) when there are not enough. */
  take(key: string, cost = 1): boolean {
    const bucket = this.bucket(key);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return true;
    }
    bucket.suppressed++;
    return false;
  }

  /** Takes `cost` tokens even when that goes into debt (the work already happened): later requests wait longer. */
  charge(key: string, cost = 1): void {
    const bucket = this.bucket(key);
    bucket.tokens = Math.max(-this.options.capacity, bucket.tokens - cost);
  }

  /** Refusals counted for `key` since the last takeSuppressed. */
  suppressedCount(key: string): number {
    return this.buckets.get(key)?.suppressed ?? 0;
  }

  /** Refusals counted for `key` since the last call, reset to 0. */
  takeSuppressed(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const n = bucket.suppressed;
    bucket.suppressed = 0;
    return n;
  }

  /** Seconds until `key` has `cost` tokens again (0 when it has them now): a Retry-After value. */
  retryAfterSeconds(key: string, cost = 1): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const tokens = Math.min(this.options.capacity, bucket.tokens + ((this.clock() - bucket.at) / 1000) * this.options.refillPerSecond);
    return tokens >= cost ? 0 : Math.ceil((cost - tokens) / this.options.refillPerSecond);
  }

  get size(): number {
    return this.buckets.size;
  }
}
