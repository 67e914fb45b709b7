import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { columnTuple } from '@/lib/db/column-tuple';
import { executePrepared } from '@/lib/db/execute-prepared';
import { paymentEvents } from '@/lib/db/schema';
import type { RefundEventType } from '@/lib/refunds/refund-events';

/**
 * Every kind of entry on a payment's timeline. The dashboard words each one (messages/{en,zh-CN}/dashboard.json
 * `paymentEvents.<type>`); a test keeps the two lists equal, so a new type cannot ship without its wording.
 */
export const PAYMENT_EVENT_TYPES = [
  'payment_created',
  'confirm_link_created',
  'buyer_confirmed',
  'pay_sent',
  'pay_answered',
  'resend',
  'inquiry',
  'cancel_sent',
  'cancel_answered',
  'notification',
  'resolver_scheduled',
  'status_changed',
  'staff_action',
  'reconciliation_flag',
  'agreement_invalidated',
  'customs_declaration_created',
  'customs_declaration_submitted',
  'customs_declaration_rejected',
  'customs_declaration_unknown',
  'customs_declaration_succeeded',
  'customs_declaration_failed',
] as const;

export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

/** What made the entry happen. */
export const PAYMENT_EVENT_CAUSES = ['staff', 'buyer', 'api', 'schedule', 'notification', 'job', 'system'] as const;
export type PaymentEventCause = (typeof PAYMENT_EVENT_CAUSES)[number];

export interface PaymentEventInput {
  paymentId: string;
  /** The payment's own entries, or a refund's (lib/refunds/refund-events.ts, with refundId). */
  type: PaymentEventType | RefundEventType;
  cause: PaymentEventCause;
  /** Result codes, statuses, attempt numbers: never tokens, bodies or buyer data. */
  detail?: Record<string, unknown>;
  refundId?: string | null;
  at?: Date;
}

/** Appends one timeline entry, in the transaction of the change it describes when there is one. */
export async function recordPaymentEvent(tx: Db, input: PaymentEventInput): Promise<void> {
  await recordPaymentEvents(tx, [input]);
}

/** Appends several entries in one statement (entries that happen together, e.g. created + sent). */
export async function recordPaymentEvents(tx: Db, inputs: readonly PaymentEventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  // Hand-written (fixed columns, written on every payment change): cheaper than drizzle's builder.
  await executePrepared(tx, sql`insert into payment_events ${PAYMENT_EVENT_COLUMNS} values ${paymentEventValues(inputs)}`);
}

const EVENT_ROW = columnTuple(paymentEvents, ['paymentId', 'refundId', 'type', 'cause', 'detail', 'createdAt'], { nullMeans: { createdAt: 'now()' } });

/** The columns paymentEventValues fills, in its order. */
export const PAYMENT_EVENT_COLUMNS = EVENT_ROW.columns;

/** Timeline entries as comma-separated VALUES tuples in PAYMENT_EVENT_COLUMNS order (for larger statements). */
export function paymentEventValues(inputs: readonly PaymentEventInput[]): SQL {
  return sql.join(
    inputs.map((input) =>
      EVENT_ROW.tuple({
        paymentId: input.paymentId,
        refundId: input.refundId ?? null,
        type: input.type,
        cause: input.cause,
        detail: input.detail ?? null,
        createdAt: input.at ?? null,
      }),
    ),
    sql`, `,
  );
}
