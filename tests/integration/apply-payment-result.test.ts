import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { payments } from '@/lib/db/schema';
import { applyPaymentResult, paymentResultCtes } from '@/lib/payments/apply-payment-result';
import { seedPaymentWorld } from '../helpers/notify-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

// applyPaymentResult writes its UPDATE by hand (lib/db/map-row.ts decodes the returned row): what it returns
// must be exactly what drizzle's own select reads back — bigint amounts, Dates, nulls, json — on both drivers.
let database: Database;

describe(`applyPaymentResult's returned row (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  for (const outcome of ['succeeded', 'failed', 'cancelled'] as const) {
    it(`${outcome}: the returned payment equals the row as drizzle reads it`, async () => {
      const world = await seedPaymentWorld(database.db);
      const at = new Date('2026-12-01T04:05:06.789Z');
      const applied = await applyPaymentResult(database.db, { paymentRequestId: world.payment.paymentRequestId, paymentId: `antom-${outcome}`, outcome, resultCode: outcome === 'succeeded' ? 'SUCCESS' : 'X_CODE', reason: 'why', cause: 'inquiry', at });
      expect(applied.kind).toBe('applied');
      const [row] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
      expect(applied.payment).toEqual(row);
      expect(typeof row!.amountMinor).toBe('bigint');
      expect(row!.updatedAt).toEqual(at);
      expect(row!.paymentId).toBe(`antom-${outcome}`);
      // A repeat moves nothing and keeps Antom's first paymentId.
      const again = await applyPaymentResult(database.db, { paymentRequestId: world.payment.paymentRequestId, paymentId: 'another', outcome, resultCode: 'SUCCESS', cause: 'notification', at });
      expect(again.kind).toBe('duplicate');
      expect(again.payment?.paymentId).toBe(`antom-${outcome}`);
    });
  }

  it('finds the payment by its request id whatever else matches the guard: thousands of payments of the same amount cost nothing', async () => {
    // A subscription's charges share amount and currency. The guard once read the updated row, and the planner
    // drove the UPDATE from payments_currency_amount_idx, walking every payment of that amount per notification
    // (30–350 ms each at 24,000 payments, bench/notifications.bench.ts). Stats are left unanalyzed, as on a new
    // database, where the planner made that choice.
    const world = await seedPaymentWorld(database.db);
    const tag = world.payment.paymentRequestId;
    await database.db.execute(sql`insert into charge_intents (id, business_key, agreement_id, customer_id, amount_minor, currency, description, source)
      select md5(${tag} || g)::uuid, ${tag} || '-order-' || g, ${world.agreement.id}::uuid, ${world.customer.id}::uuid, 1000, 'PHP', 'plan', 'api' from generate_series(1, 5000) g`);
    await database.db.execute(sql`insert into payments (id, intent_id, agreement_id, customer_id, payment_method, payment_request_id, amount_minor, currency, status, reference_order_id, description, initiator)
      select md5(${tag} || g)::uuid, md5(${tag} || g)::uuid, ${world.agreement.id}::uuid, ${world.customer.id}::uuid, 'GCASH', ${tag} || '-' || g, 1000, 'PHP', 'PROCESSING', ${tag} || '-order-' || g, 'plan', 'api' from generate_series(1, 5000) g`);
    const input = { paymentRequestId: `${tag}-77`, outcome: 'succeeded' as const, resultCode: 'SUCCESS', cause: 'notification' as const, amount: { currency: 'PHP', value: '1000' }, at: new Date() };
    const cancel = { ...input, paymentRequestId: `${tag}-78`, outcome: 'cancelled' as const, amount: undefined };
    for (const which of [input, cancel]) {
      const result = await database.db.execute(sql`explain (analyze, format json) with ${paymentResultCtes(which)} select id from moved`);
      const plan = JSON.stringify((result as unknown as { rows?: unknown[] }).rows ?? result);
      expect(plan).toContain('payments_payment_request_id_unique');
      expect(plan).not.toContain('payments_currency_amount_idx');
      // No node of the plan touched more than a handful of rows (the old plan read all 5,000).
      const rowCounts = [...plan.matchAll(/\\?"Actual Rows\\?":\s*(\d+)/g)].map((m) => Number(m[1]));
      expect(rowCounts.length).toBeGreaterThan(0);
      expect(Math.max(...rowCounts)).toBeLessThanOrEqual(2);
    }
    const [moved] = await database.db.select().from(payments).where(eq(payments.paymentRequestId, `${tag}-77`));
    expect(moved!.status).toBe('SUCCEEDED');
  });

  it('an unknown paymentRequestId is reported, not an error', async () => {
    expect(await applyPaymentResult(database.db, { paymentRequestId: 'nope', outcome: 'succeeded', resultCode: 'SUCCESS', cause: 'notification', at: new Date() })).toEqual({ kind: 'unknown_payment', payment: null });
  });
});
