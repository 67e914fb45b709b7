import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { payments } from '@/lib/db/schema';
import { applyPaymentResult } from '@/lib/payments/apply-payment-result';
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

  it('an unknown paymentRequestId is reported, not an error', async () => {
    expect(await applyPaymentResult(database.db, { paymentRequestId: 'nope', outcome: 'succeeded', resultCode: 'SUCCESS', cause: 'notification', at: new Date() })).toEqual({ kind: 'unknown_payment', payment: null });
  });
});
