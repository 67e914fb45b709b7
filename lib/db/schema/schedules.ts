import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agreements, authorizationLinks } from './agreements';
import { customers } from './customers';
import { chargeIntents } from './payments';
import { staffUsers } from './staff';

/**
 * ACTIVE: bills each period. PAUSED: bills nothing (by staff, or because its agreement ended: the reason says
 * which). PAST_DUE: a period's dunning ladder ran out; still bills the next period. UNPAID: the ladder ran out
 * (or a hard decline) and the merchant chose to stop. CANCELED / COMPLETED are final.
 */
export const scheduleStatus = pgEnum('schedule_status', ['ACTIVE', 'PAUSED', 'PAST_DUE', 'UNPAID', 'CANCELED', 'COMPLETED']);
export const scheduleIntervalUnit = pgEnum('schedule_interval_unit', ['day', 'week', 'month', 'year']);
/**
 * charging: claimed by a billing run (its intent may or may not exist yet); retrying: softly declined, next try
 * at next_retry_at; paid; failed: declined for good or out of retries.
 */
export const schedulePeriodStatus = pgEnum('schedule_period_status', ['charging', 'retrying', 'paid', 'failed']);

/** A billing schedule on an agreement (lib/schedules owns it; the calendar is lib/schedules/period-calendar.ts). */
export const billingSchedules = pgTable(
  'billing_schedules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => agreements.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** Charged from the next period that is not yet started (a period's intent keeps the amount it began with). */
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    description: text('description').notNull(),
    intervalUnit: scheduleIntervalUnit('interval_unit').notNull(),
    intervalCount: integer('interval_count').notNull(),
    anchorDay: integer('anchor_day'),
    timeZone: text('time_zone').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    maxPeriods: integer('max_periods'),
    /** After downtime, charge every missed period (true) or only the latest (false). */
    catchUp: boolean('catch_up').notNull().default(false),
    status: scheduleStatus('status').notNull().default('ACTIVE'),
    /** Why the schedule is in its status, in words (pause reason, decline, ladder end). */
    statusReason: text('status_reason'),
    /** The next period (0-based) to start, and when it is due; null when no period is left. */
    nextPeriod: integer('next_period').notNull().default(0),
    nextDueAt: timestamp('next_due_at', { withTimezone: true }),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    /** The authorization link whose plan made this schedule: unique, so one link makes at most one schedule. */
    linkId: uuid('link_id')
      .unique()
      .references(() => authorizationLinks.id),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('billing_schedules_amount_positive', sql`${t.amountMinor} > 0`),
    check('billing_schedules_interval_count', sql`${t.intervalCount} >= 1`),
    check('billing_schedules_anchor_day', sql`${t.anchorDay} is null or ${t.anchorDay} between 1 and 31`),
    check('billing_schedules_max_periods', sql`${t.maxPeriods} is null or ${t.maxPeriods} >= 1`),
    // The billing run's scan: due schedules that bill, oldest first.
    index('billing_schedules_due_idx').on(t.nextDueAt).where(sql`${t.status} in ('ACTIVE', 'PAST_DUE') and ${t.nextDueAt} is not null`),
    index('billing_schedules_agreement_idx').on(t.agreementId),
    index('billing_schedules_status_created_idx').on(t.status, t.createdAt, t.id),
    index('billing_schedules_created_idx').on(t.createdAt, t.id),
  ],
);

/** One started period of a schedule: its intent (business key schedule + period) and its dunning state. */
export const schedulePeriods = pgTable(
  'schedule_periods',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    scheduleId: uuid('schedule_id')
      .notNull()
      .references(() => billingSchedules.id),
    periodNumber: integer('period_number').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    /** The charge intent's business key: `sch_<schedule>_<period>`; unique there, so one debit per period. */
    businessKey: text('business_key').notNull().unique(),
    intentId: uuid('intent_id').references(() => chargeIntents.id),
    status: schedulePeriodStatus('status').notNull().default('charging'),
    /** Charge calls made for this period (the first and each retry of the ladder). */
    tries: integer('tries').notNull().default(0),
    lastTriedAt: timestamp('last_tried_at', { withTimezone: true }),
    nextRetryAt: timestamp('next_retry_at', { withTimezone: true }),
    lastFailureCode: text('last_failure_code'),
    lastFailureMessage: text('last_failure_message'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('schedule_periods_schedule_period_unique').on(t.scheduleId, t.periodNumber),
    index('schedule_periods_retry_idx').on(t.nextRetryAt).where(sql`${t.status} = 'retrying'`),
    index('schedule_periods_charging_idx').on(t.updatedAt).where(sql`${t.status} = 'charging'`),
  ],
);

/** The schedule's timeline: every step, with the reason in words. */
export const scheduleEvents = pgTable(
  'schedule_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order: entries written in one statement share `at`, and the timeline still reads in order. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    scheduleId: uuid('schedule_id')
      .notNull()
      .references(() => billingSchedules.id),
    periodNumber: integer('period_number'),
    type: text('type').notNull(),
    message: text('message').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('schedule_events_schedule_idx').on(t.scheduleId, t.seq)],
);

export const scheduleEmailKind = pgEnum('schedule_email_kind', ['reminder', 'receipt', 'payment_failed']);

/**
 * Buyer emails about a schedule: one row per (schedule, period, kind), claimed before sending, so each message
 * goes out at most once whoever runs the job (lib/schedules/schedule-emails.ts). status: sending → sent, or
 * skipped (turned off, no address, no SMTP) / failed (the SMTP server refused; the reason is kept).
 */
export const scheduleEmails = pgTable(
  'schedule_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    scheduleId: uuid('schedule_id')
      .notNull()
      .references(() => billingSchedules.id),
    periodNumber: integer('period_number').notNull(),
    kind: scheduleEmailKind('kind').notNull(),
    status: text('status').notNull().default('sending'),
    toAddress: text('to_address'),
    locale: text('locale').notNull(),
    subject: text('subject'),
    error: text('error'),
    messageId: text('message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('schedule_emails_once').on(t.scheduleId, t.periodNumber, t.kind)],
);

export type ScheduleEmail = typeof scheduleEmails.$inferSelect;
export type BillingSchedule = typeof billingSchedules.$inferSelect;
export type SchedulePeriod = typeof schedulePeriods.$inferSelect;
export type ScheduleEvent = typeof scheduleEvents.$inferSelect;
export type ScheduleStatus = BillingSchedule['status'];
