import { sql } from 'drizzle-orm';

/**
 * Every event the merchant hears about, one row each: the agreement, payment (and refund) and schedule
 * timelines, each written in the same transaction as the change it reports. GET /api/v1/events lists these and
 * the webhook fan-out delivers them, so both speak of the same ids and types
 * (eventTypeOf: the business event, e.g. `charge.succeeded`, or the step, e.g. `charge_attempt.pay_sent`).
 */
export const EVENT_SOURCE = sql`(
  select id, 'agreement' as object_type, agreement_id as object_id, null::uuid as refund_id, type, detail, created_at from agreement_events
  union all
  select id, 'charge_attempt' as object_type, payment_id as object_id, refund_id, type, detail, created_at from payment_events
  union all
  select id, 'schedule' as object_type, schedule_id as object_id, null::uuid as refund_id, type, coalesce(detail, '{}'::jsonb) || jsonb_build_object('message', message, 'period', period_number) as detail, at as created_at from schedule_events
  union all
  select id, 'reconciliation_discrepancy' as object_type, discrepancy_id as object_id, null::uuid as refund_id, type, detail, created_at from recon_discrepancy_events
)`;

export type EventObjectType = 'agreement' | 'charge_attempt' | 'schedule' | 'reconciliation_discrepancy';
export type EventRow = { id: string; object_type: EventObjectType; object_id: string; refund_id: string | null; type: string; detail: Record<string, unknown> | string | null; created_at: Date | string };

function detailOf(row: Pick<EventRow, 'detail'>): Record<string, unknown> {
  if (!row.detail) return {};
  return typeof row.detail === 'string' ? (JSON.parse(row.detail) as Record<string, unknown>) : row.detail;
}

/** The timeline step a row records: `agreement.apply_token`, `charge_attempt.status_changed`, `refund.refund_succeeded`, `schedule.past_due`. */
export function eventStepOf(row: Pick<EventRow, 'object_type' | 'refund_id' | 'type'>): string {
  return `${row.refund_id ? 'refund' : row.object_type}.${row.type}`;
}

/**
 * The event's public type: the business event a step amounts to where there is one — agreement.activated /
 * revoked / invalidated / expired, charge.succeeded / failed / canceled / unknown_resolved, refund.succeeded /
 * failed, schedule.<step> (past_due, unpaid, canceled, …) — else the step itself. Endpoints filter on this type.
 */
export function eventTypeOf(row: Pick<EventRow, 'object_type' | 'refund_id' | 'type' | 'detail'>): string {
  const d = detailOf(row);
  if (row.object_type === 'agreement') {
    if (row.type === 'apply_token' && d.outcome === 'succeeded') return 'agreement.activated';
    if (row.type === 'revoke' && d.outcome === 'succeeded' && d.by !== 'system') return 'agreement.revoked';
    if (row.type === 'notification' && d.type === 'TOKEN_CANCELED' && d.applied === true) return 'agreement.revoked';
    if (row.type === 'invalidated') return 'agreement.invalidated';
    if (row.type === 'expired' || row.type === 'token_expired') return 'agreement.expired';
  }
  if (row.object_type === 'charge_attempt' && row.refund_id) {
    if (row.type === 'refund_succeeded') return 'refund.succeeded';
    if (row.type === 'refund_failed') return 'refund.failed';
  }
  if (row.object_type === 'charge_attempt' && !row.refund_id && row.type === 'status_changed') {
    if (d.from === 'UNKNOWN') return 'charge.unknown_resolved';
    if (d.to === 'SUCCEEDED') return 'charge.succeeded';
    if (d.to === 'FAILED') return 'charge.failed';
    if (d.to === 'CANCELLED') return 'charge.canceled';
  }
  if (row.object_type === 'reconciliation_discrepancy' && row.type === 'discrepancy_opened') return 'reconciliation.discrepancy_opened';
  return eventStepOf(row);
}

/** Id and time of every event, for a keyset cursor's lookup (lib/lists/keyset.ts takes it as raw SQL). */
export const EVENT_KEYS_TABLE = '(select id, created_at from agreement_events union all select id, created_at from payment_events union all select id, at as created_at from schedule_events union all select id, created_at from recon_discrepancy_events)';
