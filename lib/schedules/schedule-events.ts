import type { Db } from '@/lib/db/client';
import { scheduleEvents } from '@/lib/db/schema';

/** Every kind of step on a schedule's timeline. The message says the reason in words (English, stored). */
export type ScheduleEventType =
  | 'created'
  | 'paused'
  | 'resumed'
  | 'canceled'
  | 'cancel_scheduled'
  | 'completed'
  | 'amount_changed'
  | 'period_started'
  | 'periods_skipped'
  | 'period_paid'
  | 'period_declined'
  | 'retry_scheduled'
  | 'ladder_exhausted'
  | 'hard_declined'
  | 'agreement_ended'
  | 'past_due'
  | 'unpaid'
  | 'recovered'
  | 'email_sent'
  | 'email_skipped'
  | 'email_failed';

export const SCHEDULE_EVENT_TYPES: readonly ScheduleEventType[] = [
  'created', 'paused', 'resumed', 'canceled', 'cancel_scheduled', 'completed', 'amount_changed', 'period_started', 'periods_skipped',
  'period_paid', 'period_declined', 'retry_scheduled', 'ladder_exhausted', 'hard_declined', 'agreement_ended', 'past_due', 'unpaid', 'recovered',
  'email_sent', 'email_skipped', 'email_failed',
];

export interface ScheduleEventInput {
  scheduleId: string;
  type: ScheduleEventType;
  message: string;
  periodNumber?: number | null;
  detail?: Record<string, unknown>;
  at: Date;
}

/** Appends timeline entries; call with the transaction of the change they describe. */
export async function recordScheduleEvents(tx: Db, events: readonly ScheduleEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(scheduleEvents).values(
    events.map((e) => ({
      scheduleId: e.scheduleId,
      type: e.type,
      message: e.message,
      periodNumber: e.periodNumber ?? null,
      detail: e.detail ? (JSON.parse(JSON.stringify(e.detail, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>) : null,
      at: e.at,
    })),
  );
}
