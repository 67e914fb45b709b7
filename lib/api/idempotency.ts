import { createHash } from 'node:crypto';
import { and, eq, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { ASYNC_COMMIT_CTE } from '@/lib/db/async-commit';
import type { Db } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/execute-prepared';
import { rowsOf } from '@/lib/db/rows-of';
import { apiIdempotencyKeys } from '@/lib/db/schema';
import { retryAfterSeconds, takeTokenStatement, type RateLimit } from './rate-limit';

/** How long a stored answer is replayed (and the key refused with another body). */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** A request still marked running after this long lost its process; the next one with the key takes it over. */
export const IDEMPOTENCY_STALE_MS = 120_000;
export const IDEMPOTENCY_KEY_MAX = 255;
/** How long a request waits for a concurrent one with the same key to finish before answering 409 (Retry-After). */
export const IDEMPOTENCY_WAIT_MS = 10_000;

export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method}\n${path}\n`).update(body).digest('hex');
}

/**
 * A domain operation key from (API key, Idempotency-Key): the charge and the refund keep their own
 * exactly-once guard on it, so even a request taken over after a crash is the same charge or refund.
 */
export function operationKeyFor(apiKeyId: string, idempotencyKey: string): string {
  return `api_${createHash('sha256').update(`${apiKeyId}\n${idempotencyKey}`).digest('base64url')}`;
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'conflict' }
  | { kind: 'in_flight'; retryAfterSeconds: number }
  | { kind: 'rate_limited'; retryAfterSeconds: number };

/**
 * Claims (API key, Idempotency-Key) for a request with this fingerprint: one INSERT … ON CONFLICT DO NOTHING
 * elects the single runner; others get the stored answer, a conflict (other body) or "still running". An
 * entry older than the TTL counts as absent; a running entry older than IDEMPOTENCY_STALE_MS is taken over by
 * one guarded UPDATE.
 *
 * With `rate`, the request's token is taken from the key's bucket in the same statement (the claim is written
 * only when a token was there): 'rate_limited' then means nothing was claimed. Only the first try takes a token.
 */
export async function claimIdempotencyKey(
  db: Db,
  input: { apiKeyId: string; key: string; fingerprint: string; now: Date; rate?: RateLimit },
): Promise<IdempotencyClaim> {
  const expired = new Date(input.now.getTime() - IDEMPOTENCY_TTL_HOURS * 3600_000);
  const where = and(eq(apiIdempotencyKeys.apiKeyId, input.apiKeyId), eq(apiIdempotencyKeys.idempotencyKey, input.key));
  const at = input.now.toISOString();
  // A new key (the common case) is one statement, rate token included; only a key seen before is read back.
  for (let attempt = 0; ; attempt++) {
    const rate = attempt === 0 ? input.rate : undefined;
    const insert = (gate: SQL) => sql`insert into api_idempotency_keys (api_key_id, idempotency_key, request_hash, locked_at, created_at)
        select ${input.apiKeyId}::uuid, ${input.key}, ${input.fingerprint}, ${at}::timestamptz, ${at}::timestamptz${gate}
        on conflict do nothing returning 1`;
    const [row] = rowsOf<{ allowed: boolean; claimed: boolean }>(
      await executePrepared(
        db,
        rate
          ? sql`with ${ASYNC_COMMIT_CTE}, bucket as (${takeTokenStatement(input.apiKeyId, rate, input.now)}),
                claim as (${insert(sql` where exists (select 1 from bucket)`)})
                select exists (select 1 from bucket) as allowed, exists (select 1 from claim) as claimed, (select on_commit from async_commit) as async_commit`
          : sql`with claim as (${insert(sql``)}) select true as allowed, exists (select 1 from claim) as claimed`,
      ),
    );
    if (rate && !row?.allowed) return { kind: 'rate_limited', retryAfterSeconds: await retryAfterSeconds(db, input.apiKeyId, rate, input.now) };
    if (row?.claimed) return { kind: 'claimed' };
    const [existing] = await db.select().from(apiIdempotencyKeys).where(where);
    // Removed between the insert and the read (its runner failed with a 5xx): the caller may simply retry.
    if (!existing) return { kind: 'in_flight', retryAfterSeconds: 1 };
    // An expired entry the prune job has not removed yet: gone for every purpose (removed, then claimed afresh).
    if (existing.createdAt < expired && attempt === 0) {
      await db.delete(apiIdempotencyKeys).where(and(where, lt(apiIdempotencyKeys.createdAt, expired)));
      continue;
    }
    if (existing.requestHash !== input.fingerprint) return { kind: 'conflict' };
    if (existing.statusCode !== null && existing.responseBody !== null) return { kind: 'replay', status: existing.statusCode, body: existing.responseBody };
    if (input.now.getTime() - existing.lockedAt.getTime() > IDEMPOTENCY_STALE_MS) {
      const [taken] = await db
        .update(apiIdempotencyKeys)
        .set({ lockedAt: input.now })
        .where(and(where, isNull(apiIdempotencyKeys.statusCode), eq(apiIdempotencyKeys.lockedAt, existing.lockedAt)))
        .returning({ key: apiIdempotencyKeys.idempotencyKey });
      if (taken) return { kind: 'claimed' };
    }
    return { kind: 'in_flight', retryAfterSeconds: 1 };
  }
}

/** Stores the finished answer (replayed byte for byte from now on). */
export async function completeIdempotencyKey(db: Db, input: { apiKeyId: string; key: string; status: number; body: string }): Promise<void> {
  await db
    .update(apiIdempotencyKeys)
    .set({ statusCode: input.status, responseBody: input.body })
    .where(and(eq(apiIdempotencyKeys.apiKeyId, input.apiKeyId), eq(apiIdempotencyKeys.idempotencyKey, input.key), isNull(apiIdempotencyKeys.statusCode)));
}

/** A request that ended in a server error keeps no answer: the caller may retry with the same key. */
export async function releaseIdempotencyKey(db: Db, input: { apiKeyId: string; key: string }): Promise<void> {
  await db
    .delete(apiIdempotencyKeys)
    .where(and(eq(apiIdempotencyKeys.apiKeyId, input.apiKeyId), eq(apiIdempotencyKeys.idempotencyKey, input.key), isNull(apiIdempotencyKeys.statusCode)));
}

/** The prune job's work: entries older than the TTL go. Returns how many. */
export async function pruneIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_TTL_HOURS * 3600_000);
  const removed = await db.delete(apiIdempotencyKeys).where(lt(apiIdempotencyKeys.createdAt, cutoff)).returning({ k: sql`1` });
  return removed.length;
}
