import { sql, type SQL } from 'drizzle-orm';
import { ASYNC_COMMIT_CTE } from '@/lib/db/async-commit';
import type { Db } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/execute-prepared';
import { rowsOf } from '@/lib/db/rows-of';

/** The per-key budget: `burst` requests at once, refilled at `perSecond` (API_RATE_BURST / API_RATE_PER_SECOND). */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/** The bucket's tokens at `at`: what was left plus the refill since its last use, at most the burst. */
function refilled(limit: RateLimit, at: string): SQL {
  return sql`least(${limit.burst}::float8, b.tokens + greatest(0, extract(epoch from (${at}::timestamptz - b.updated_at))) * ${limit.perSecond}::float8)`;
}

/**
 * Takes one token from the key's bucket: one INSERT … ON CONFLICT DO UPDATE refills the bucket for the time since
 * its last use and takes a token only WHERE one is there, so it returns a row exactly when the request may go (the
 * row lock orders concurrent requests of one key across instances). A statement of its own or a CTE of a larger one.
 */
export function takeTokenStatement(apiKeyId: string, limit: RateLimit, now: Date): SQL {
  const at = now.toISOString();
  return sql`insert into api_rate_buckets as b (api_key_id, tokens, updated_at) values (${apiKeyId}::uuid, ${limit.burst - 1}::float8, ${at}::timestamptz)
          on conflict (api_key_id) do update set tokens = ${refilled(limit, at)} - 1, updated_at = greatest(b.updated_at, ${at}::timestamptz)
          where ${refilled(limit, at)} >= 1
          returning b.tokens`;
}

/** A refused request's Retry-After: whole seconds until the bucket holds one token again (at least 1). */
export async function retryAfterSeconds(db: Db, apiKeyId: string, limit: RateLimit, now: Date): Promise<number> {
  const [bucket] = rowsOf<{ tokens: number | string }>(await executePrepared(db, sql`select ${refilled(limit, now.toISOString())} as tokens from api_rate_buckets b where b.api_key_id = ${apiKeyId}::uuid`));
  const missing = 1 - Number(bucket?.tokens ?? 0);
  return Math.max(1, Math.ceil(missing / limit.perSecond));
}

/**
 * Takes one request from the key's token bucket, shared by every instance through PostgreSQL (api_rate_buckets).
 * The statement commits without waiting for its WAL flush (lib/db/async-commit.ts): every request of a key takes
 * the bucket's row, and a commit that waits for the disk would hold that row's lock through the flush.
 * Only a refused request reads the bucket again, for its Retry-After. (A POST with an Idempotency-Key takes its
 * token in the same statement as the key's claim: lib/api/idempotency.ts.)
 */
export async function takeRateToken(db: Db, apiKeyId: string, limit: RateLimit, now: Date): Promise<RateVerdict> {
  const taken = rowsOf<{ tokens: number }>(
    await executePrepared(db, sql`with ${ASYNC_COMMIT_CTE}, taken as (${takeTokenStatement(apiKeyId, limit, now)}) select tokens, (select on_commit from async_commit) as async_commit from taken`),
  );
  if (taken.length > 0) return { ok: true };
  return { ok: false, retryAfterSeconds: await retryAfterSeconds(db, apiKeyId, limit, now) };
}
