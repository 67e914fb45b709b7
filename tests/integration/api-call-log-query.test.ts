import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { apiCalls } from '@/lib/db/schema';
import { API_CALL_PAGE_SIZE, listApiCalls } from '@/lib/api-calls/list-api-calls';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
const PAYMENT = '6f1c3b0e-8a55-4a7e-9d0a-6f0d8c1f2a11';

describe(`the API call log query (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const row = (i: number) => ({
      endpoint: i % 3 === 0 ? 'inquiryPayment' : 'pay',
      path: '/ams/api/v1/payments/pay',
      attempt: 1,
      requestTime: String(i),
      durationMs: 10,
      outcome: i % 5 === 0 ? null : i % 2 === 0 ? 'success' : 'unknown',
      subject: i < 4 ? `payment:${PAYMENT}` : `agreement:${i}`,
    });
    await database.db.insert(apiCalls).values(Array.from({ length: 120 }, (_, i) => row(i)));
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it('pages newest first with a keyset cursor: every call once, none skipped while paging', async () => {
    const seen: bigint[] = [];
    let before: string | null = null;
    do {
      const page = await listApiCalls(database.db, { before });
      expect(page.items.length).toBeLessThanOrEqual(API_CALL_PAGE_SIZE);
      seen.push(...page.items.map((c) => c.id));
      before = page.nextCursor;
    } while (before);
    expect(seen).toHaveLength(120);
    expect([...seen].sort((a, b) => (a < b ? 1 : -1))).toEqual(seen);
  });

  it('filters by endpoint, result (including "no answer") and object id, bare or prefixed; nonsense filters are ignored', async () => {
    expect((await listApiCalls(database.db, { endpoint: 'inquiryPayment' })).items.every((c) => c.endpoint === 'inquiryPayment')).toBe(true);
    expect((await listApiCalls(database.db, { result: 'error' })).items.every((c) => c.outcome === null)).toBe(true);
    expect((await listApiCalls(database.db, { object: PAYMENT })).items).toHaveLength(4);
    expect((await listApiCalls(database.db, { object: `payment:${PAYMENT}`, endpoint: 'pay' })).items).toHaveLength(2);
    expect((await listApiCalls(database.db, { endpoint: 'drop table', result: 'x', before: '1; --' })).items).toHaveLength(API_CALL_PAGE_SIZE);
  });
});
