/**
 * Model test: 1,000 random histories of refunds on one payment, where Antom answers S, F, U or times out,
 * decides the open ones later, notifies late and more than once, and the resolver runs in between. After
 * every step the payment must never be over-refunded (refunded + pending ≤ captured), refunded must equal
 * the refunds Antom confirmed, pending must equal the refunds still open (F releases, U keeps).
 */
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { payments, refunds } from '@/lib/db/schema';
import { applyRefundResult } from '@/lib/refunds/apply-refund-result';
import { createRefund } from '@/lib/refunds/create-refund';
import type { RefundDeps } from '@/lib/refunds/refund-deps';
import { resolveRefund } from '@/lib/refunds/resolve-refund';
import { recordingEnqueue, scriptedAlipay, seedActor, seedSucceededPayment, newOperationKey, type ScriptedAnswer } from '../helpers/refund-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

const CAPTURED = 10_000n;

type Action =
  | { kind: 'refund'; amount: number; answer: ScriptedAnswer }
  | { kind: 'decide'; index: number; outcome: 'S' | 'F' }
  | { kind: 'notify'; index: number }
  | { kind: 'resolve'; index: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('refund' as const), amount: fc.integer({ min: 1, max: 6_000 }), answer: fc.constantFrom<ScriptedAnswer>('S', 'F', 'U', 'timeout') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('decide' as const), index: fc.nat(7), outcome: fc.constantFrom<'S' | 'F'>('S', 'F') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('notify' as const), index: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resolve' as const), index: fc.nat(7) }) },
);

let database: Database;
let admin: Actor;

describe(`refund model (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await seedActor(database.db, 'admin');
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('1,000 random histories never break refunded + pending ≤ captured; F releases, U keeps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 10 }), async (history) => {
        const payment = await seedSucceededPayment(database.db, { amountMinor: CAPTURED, currency: 'JPY', paymentMethod: 'PAYPAY' });
        /** Antom's truth per refundRequestId: decided once (by an S/F answer or later), then every answer repeats it. */
        const truth = new Map<string, 'S' | 'F'>();
        let planned: ScriptedAnswer = 'U';
        const { alipay, calls } = scriptedAlipay((name, input) => {
          const id = String(input.refundRequestId);
          const known = truth.get(id);
          if (name === 'inquiryRefund') return { inquiry: known === 'S' ? 'SUCCESS' : known === 'F' ? 'FAIL' : 'PROCESSING' };
          if (known) return known;
          const answer = planned;
          planned = 'U'; // resends of an undecided refund stay unknown until Antom decides
          if (answer === 'S' || answer === 'F') truth.set(id, answer);
          return answer;
        });
        const deps: RefundDeps = { db: database.db, alipay, enqueue: recordingEnqueue().enqueue };
        const created: { id: string; refundRequestId: string }[] = [];

        for (const step of history) {
          if (step.kind === 'refund') {
            planned = step.answer;
            const before = calls.length;
            const result = await createRefund(deps, admin, { paymentId: payment.id, amount: String(step.amount), reason: 'model test', operationKey: newOperationKey() });
            planned = 'U';
            // A refund that reached Antom named our row (referenceRefundId) in its first call.
            const sent = calls.slice(before).find((c) => c.name === 'refund');
            if (sent) created.push({ id: String(sent.input.referenceRefundId), refundRequestId: String(sent.input.refundRequestId) });
            if (!result.ok) expect(['exceeds_refundable', 'refund_declined']).toContain(result.code);
          } else {
            const target = created[step.index % Math.max(1, created.length)];
            if (!target) continue;
            if (step.kind === 'decide') {
              if (!truth.has(target.refundRequestId)) truth.set(target.refundRequestId, step.outcome);
            } else if (step.kind === 'notify') {
              const known = truth.get(target.refundRequestId);
              if (known) {
                await database.db.transaction((tx) =>
                  applyRefundResult(tx, { refundRequestId: target.refundRequestId, outcome: known === 'S' ? 'succeeded' : 'failed', resultCode: known === 'S' ? 'SUCCESS' : 'PROCESS_FAIL', cause: 'notification', at: new Date() }),
                );
              }
            } else {
              await resolveRefund(deps, target.id);
            }
          }
          await checkInvariants(payment.id, truth);
        }

        // In the end Antom decides everything and the resolver settles it: nothing stays reserved.
        const rows = await database.db.select().from(refunds).where(eq(refunds.paymentId, payment.id));
        for (const row of rows) if (!truth.has(row.refundRequestId)) truth.set(row.refundRequestId, 'S');
        for (const row of rows) for (let i = 0; i < 6 && (await resolveRefund(deps, row.id)) === 'scheduled'; i++);
        const [end] = await database.db.select().from(payments).where(eq(payments.id, payment.id));
        expect(end!.refundPendingMinor).toBe(0n);
        await checkInvariants(payment.id, truth);
      }),
      { numRuns: 1_000 },
    );
  }, 1_800_000);
});

async function checkInvariants(paymentId: string, truth: Map<string, 'S' | 'F'>) {
  // One round trip: the payment's counters and its refunds, read in the same snapshot.
  const joined = await database.db.select({ p: payments, r: refunds }).from(payments).leftJoin(refunds, eq(refunds.paymentId, payments.id)).where(eq(payments.id, paymentId));
  const p = joined[0]?.p;
  const rows = joined.flatMap((j) => (j.r ? [j.r] : []));
  expect(p!.refundedMinor + p!.refundPendingMinor).toBeLessThanOrEqual(p!.amountMinor);
  const sum = (pred: (r: (typeof rows)[number]) => boolean) => rows.filter(pred).reduce((a, r) => a + r.amountMinor, 0n);
  // refunded = what reached SUCCEEDED; pending = what is still open (U keeps); FAILED counts nowhere (F releases).
  expect(p!.refundedMinor).toBe(sum((r) => r.status === 'SUCCEEDED'));
  expect(p!.refundPendingMinor).toBe(sum((r) => r.status === 'PENDING' || r.status === 'UNKNOWN'));
  // Our final states never contradict Antom's truth.
  for (const r of rows) {
    if (r.status === 'SUCCEEDED') expect(truth.get(r.refundRequestId)).toBe('S');
    if (r.status === 'FAILED') expect(truth.get(r.refundRequestId)).toBe('F');
  }
}
