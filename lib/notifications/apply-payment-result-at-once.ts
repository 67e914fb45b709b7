import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/execute-prepared';
import { isUniqueViolation } from '@/lib/db/is-unique-violation';
import { rowsOf } from '@/lib/db/rows-of';
import { hasConsequences, paymentResultCtes, RESULT_STATUS, type PaymentResultInput } from '@/lib/payments/apply-payment-result';
import { paymentIsDetail } from './apply-payment-notification';
import { DELIVERY_COLUMNS, deliveryTuple, INBOX_COLUMNS, inboxTuple, type DeliveryRow, type InboxRow } from './inbox-sql';
import type { NotificationEffect } from './notification-effect';

/**
 * The common payment notification — a final result (S or F) for a payment still open — in one statement: no
 * transaction, one round trip instead of five (BEGIN, inbox insert, transition, outcome + delivery, COMMIT), and
 * the inbox row written once with its outcome instead of inserted and then updated. The statement is the
 * payment's guarded transition with its timeline entries and audit row (paymentResultCtes), then the inbox row
 * and the delivery row, both written only from the row the transition moved.
 *
 * Returns the effect when it applied the result. Returns null when it wrote nothing, and the caller then takes
 * the inbox transaction, which decides these cases exactly as before:
 * - the payment was not open (a repeat, a contradiction to flag) or is unknown: the transition moved nothing,
 *   so nothing else was written;
 * - the dedupe key is already in the inbox (a notification first stored while its payment was unknown): the
 *   unique key refuses the inbox row, which undoes the whole statement, transition included.
 * Two deliveries of the same notification at once: the second waits on the payment's row lock, then finds it
 * final and moves nothing, so it too goes to the inbox transaction and is acknowledged as a duplicate.
 */
export async function applyPaymentResultAtOnce(db: Db, inbox: InboxRow, delivery: Omit<DeliveryRow, 'objectRef' | 'dedupeVerdict' | 'outcome'>, input: PaymentResultInput): Promise<NotificationEffect | null> {
  // A decline that ends the agreement too commits both in the inbox transaction (rare; not the hot path).
  if (hasConsequences(input)) return null;
  const effect: NotificationEffect = { objectType: 'payment', objectRef: input.paymentRequestId, outcome: 'applied', detail: paymentIsDetail(RESULT_STATUS[input.outcome]) };
  const inboxValues = inboxTuple(inbox, { objectType: effect.objectType, objectRef: effect.objectRef, outcome: effect.outcome, detail: effect.detail ?? null, processed: true });
  const deliveryValues = deliveryTuple(sql`id`, { ...delivery, objectRef: effect.objectRef, dedupeVerdict: 'new', outcome: effect.outcome });
  try {
    const rows = rowsOf<{ id: string }>(
      await executePrepared(db, sql`
        with ${paymentResultCtes(input)},
        inbox as (insert into inbox_events ${INBOX_COLUMNS} select ${inboxValues} from moved returning id),
        delivery as (insert into notification_deliveries ${DELIVERY_COLUMNS} select ${deliveryValues} from inbox)
        select id from inbox`),
    );
    return rows.length > 0 ? effect : null;
  } catch (error) {
    if (isUniqueViolation(error, 'inbox_events_dedupe_key_unique')) return null;
    throw error;
  }
}
