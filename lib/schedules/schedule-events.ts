import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { columnTuple } from '@/lib/db/column-tuple';
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

const EVENT_ROW = columnTuple(scheduleEvents, ['scheduleId', 'type', 'message', 'periodNumber', 'detail', 'at'] as const);

/**
 * Appends timeline entries; call with the transaction of the change they describe. One hand-written statement
 * (the billing run's claim appends a batch's worth at once; drizzle's insert builder cost more CPU to compile it).
 */
export async function recordScheduleEvents(tx: Db, events: readonly ScheduleEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => EVENT_ROW.tuple({ scheduleId: e.scheduleId, type: e.type, message: e.message, periodNumber: e.periodNumber ?? null, detail: e.detail ?? null, at: e.at }));
  await tx.execute(sql`insert into schedule_events ${EVENT_ROW.columns} values ${sql.join(rows, sql`, `)}`);
}
