import { sql } from 'drizzle-orm';

/**
 * Every event the merchant hears about, one row each: the agreement, payment (and refund) and schedule
 * timelines, each written in the same transaction as the change it reports. GET /api/v1/events lists these and
 * the webhook fan-out delivers them, so both speak of the same ids and types
 * (`agreement.<step>`, `charge_attempt.<step>`, `refund.<step>`, `schedule.<step>`).
 */
export const EVENT_SOURCE = sql`(
  select id, 'agreement' as object_type, agreement_id as object_id, null::uuid as refund_id, type, detail, created_at from agreement_events
  union all
  select id, 'charge_attempt' as object_type, payment_id as object_id, refund_id, type, detail, created_at from payment_events
  union all
  select id, 'schedule' as object_type, schedule_id as object_id, null::uuid as refund_id, type, coalesce(detail, '{}'::jsonb) || jsonb_build_object('message', message, 'period', period_number) as detail, at as created_at from schedule_events
)`;

export type EventObjectType = 'agreement' | 'charge_attempt' | 'schedule';
export type EventRow = { id: string; object_type: EventObjectType; object_id: string; refund_id: string | null; type: string; detail: Record<string, unknown> | string | null; created_at: Date | string };

/** The public type of a timeline row: a refund's entries on a payment's timeline are refund.<step>. */
export function eventTypeOf(row: Pick<EventRow, 'object_type' | 'refund_id' | 'type'>): string {
  return `${row.refund_id ? 'refund' : row.object_type}.${row.type}`;
}

/** Id and time of every event, for a keyset cursor's lookup (lib/lists/keyset.ts takes it as raw SQL). */
export const EVENT_KEYS_TABLE = '(select id, created_at from agreement_events union all select id, created_at from payment_events union all select id, at as created_at from schedule_events)';
