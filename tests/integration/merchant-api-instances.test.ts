import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey, type KeyRow } from '@/lib/api/api-keys';
import { apiRateLimiter, type ApiContext } from '@/lib/api/context';
import { API_KEY_REVOKED_CHANNEL, ApiKeyCache } from '@/lib/api/key-cache';
import { handleApiRequest } from '@/lib/api/route';
import { API_ROUTES } from '@/lib/api/routes';
import type { Actor } from '@/lib/auth/actor';
import { openDatabase, type Database } from '@/lib/db/client';
import { seedActor } from '../helpers/refund-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

/**
 * Two instances of the merchant API on one database — two request handlers, each with its own key cache (and on
 * PostgreSQL its own connection pool and LISTEN): they share one rate budget per key, and a revoked key is refused
 * by both within one second.
 */
let database: Database;
let second: Database | null = null;
let admin: Actor;
const caches: ApiKeyCache<KeyRow>[] = [];

function instance(db: Database, rate: { perSecond: number; burst: number }): ApiContext {
  const cache = new ApiKeyCache<KeyRow>();
  caches.push(cache);
  return { db: db.db, payment: {} as never, refund: {} as never, agreement: {} as never, mode: 'test', appUrl: 'http://localhost:3300', rateLimiter: apiRateLimiter(rate.perSecond, rate.burst), keyCache: cache, trustedProxyHops: 0 };
}

async function list(ctx: ApiContext, secret: string): Promise<Response> {
  const request = new Request('http://127.0.0.1/api/v1/customers', { headers: { authorization: `Bearer ${secret}`, 'x-daikou-socket-ip': '127.0.0.1' } });
  return handleApiRequest(API_ROUTES.listCustomers, request, ctx);
}

async function newKey(): Promise<{ id: string; secret: string }> {
  const made = await createApiKey(database.db, admin, { name: `instances ${randomUUID().slice(0, 6)}`, scope: 'read_write', allowedIps: [] }, 'test');
  if (!made.ok) throw new Error(made.error);
  return { id: made.data.key.id, secret: made.data.secret };
}

describe(`merchant API across instances (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await seedActor(database.db, 'admin');
    // PGlite has one opener: there the two handlers share it (still two caches, two rate-limit callers).
    second = database.url ? await openDatabase({ url: database.url, maxConnections: 2 }) : null;
  });
  afterAll(async () => {
    for (const cache of caches) cache.dispose();
    await second?.close();
    await database?.close();
  });

  it('one rate budget per key across instances: 429 with Retry-After on either once the burst is spent', async () => {
    const key = await newKey();
    const a = instance(database, { perSecond: 0.2, burst: 4 });
    const b = instance(second ?? database, { perSecond: 0.2, burst: 4 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await list(i % 2 === 0 ? a : b, key.secret)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = await list(b, key.secret);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Concurrent requests on both instances: exactly the burst gets through.
    const fresh = await newKey();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => list(i % 2 === 0 ? a : b, fresh.secret)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(4);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(6);
    // Another key has its own budget.
    expect((await list(a, (await newKey()).secret)).status).toBe(200);
  });

  it('a leaked key is revoked and refused within one second on every instance, key caches included', async () => {
    const key = await newKey();
    const a = instance(database, { perSecond: 1000, burst: 1000 });
    const b = instance(second ?? database, { perSecond: 1000, burst: 1000 });
    // B stands for another process: it leaves this process's invalidation and hears only the NOTIFY (PostgreSQL)
    // or, at worst, its cache's 500 ms TTL.
    b.keyCache!.dispose();
    const stopListening = await (second ?? database).listen?.(API_KEY_REVOKED_CHANNEL, () => b.keyCache!.clear());
    try {
      expect((await list(a, key.secret)).status).toBe(200);
      expect((await list(b, key.secret)).status).toBe(200); // both caches now hold the live key
      const revokedAt = Date.now();
      expect((await revokeApiKey(database.db, admin, key.id)).ok).toBe(true);
      const refusedBy = async (ctx: ApiContext) => {
        for (;;) {
          const answer = await list(ctx, key.secret);
          if (answer.status === 401) return { at: Date.now() - revokedAt, code: ((await answer.json()) as { error: { code: string } }).error.code };
          expect(Date.now() - revokedAt).toBeLessThan(1000);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const [onA, onB] = await Promise.all([refusedBy(a), refusedBy(b)]);
      expect(onA.code).toBe('revoked_key');
      expect(onB.code).toBe('revoked_key');
      expect(onA.at).toBeLessThan(1000);
      expect(onB.at).toBeLessThan(1000);
    } finally {
      await stopListening?.();
    }
  });
});
