import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/execute-prepared';
import { rowsOf } from '@/lib/db/rows-of';

/** The per-key budget: `burst` requests at once, refilled at `perSecond` (API_RATE_BURST / API_RATE_PER_SECOND). */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Takes one request from the key's token bucket, shared by every instance through PostgreSQL (api_rate_buckets):
 * one INSERT … ON CONFLICT DO UPDATE refills the bucket for the time since its last use and takes a token only
 * WHERE one is there, so the row comes back exactly when the request may go (the row lock orders concurrent
 * requests of one key across instances). Only a refused request reads the bucket again, for its Retry-After.
 */
export async function takeRateToken(db: Db, apiKeyId: string, limit: RateLimit, now: Date): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const at = now.toISOString();
  const refilled = sql`least(${limit.burst}::float8, b.tokens + greatest(0, extract(epoch from (${at}::timestamptz - b.updated_at))) * ${limit.perSecond}::float8)`;
  const taken = rowsOf<{ tokens: number }>(
    await executePrepared(
      db,
      sql`insert into api_rate_buckets as b (api_key_id, tokens, updated_at) values (${apiKeyId}::uuid, ${limit.burst - 1}::float8, ${at}::timestamptz)
          on conflict (api_key_id) do update set tokens = ${refilled} - 1, updated_at = greatest(b.updated_at, ${at}::timestamptz)
          where ${refilled} >= 1
          returning b.tokens`,
    ),
  );
  if (taken.length > 0) return { ok: true };
  const [bucket] = rowsOf<{ tokens: number | string }>(await executePrepared(db, sql`select ${refilled} as tokens from api_rate_buckets b where b.api_key_id = ${apiKeyId}::uuid`));
  const missing = 1 - Number(bucket?.tokens ?? 0);
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / limit.perSecond)) };
}
