import { z } from 'zod';
import { agreementStatus, authorizationLinkStatus, paymentStatus, refundStatus, scheduleIntervalUnit, scheduleStatus } from '@/lib/db/schema';

/**
 * The merchant API's wire schemas (snake_case, like Stripe). Inputs are strict (an unknown field is a 400
 * naming it); amounts are strings of minor units with their ISO 4217 currency (like Antom's Amount);
 * timestamps are ISO 8601 UTC strings. Each object schema carries an OpenAPI component id (`.meta({ id })`).
 */
const id = z.uuid({ error: 'must be an id (UUID)' });
const timestamp = z.iso.datetime({ offset: false }).describe('ISO 8601, UTC');
const nullableTimestamp = timestamp.nullable();
export const minorAmount = z
  .string({ error: 'must be a string of minor units, e.g. "1250" for 12.50' })
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a whole number of minor units as a string (e.g. "1250" for 12.50 PHP; "12.50" has decimals)')
  .describe('Amount in minor units of the currency, as a string');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as PHP').describe('ISO 4217 currency code');

// ── Objects ─────────────────────────────────────────────────────────────────────────────────────────────
export const customerObject = z
  .object({
    id,
    object: z.literal('customer'),
    reference: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    country: z.string().nullable(),
    preferred_language: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'Customer' });

export const linkPlan = z
  .strictObject({
    amount: minorAmount,
    currency,
    description: z.string().min(1).max(256).describe('What the buyer pays for, shown before they agree and on each charge'),
    interval: z.enum(['day', 'week', 'month', 'year']),
    interval_count: z.number().int().min(1).max(3650).optional().describe('Bill every N intervals (default 1)'),
    anchor_day: z.number().int().min(1).max(31).optional().describe('Day of month for month / year plans (29–31 bill on the last day of shorter months)'),
    start_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').describe('First billing date (local to time_zone)'),
    end_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').optional(),
    count: z.number().int().min(1).max(10_000).optional().describe('Number of charges (instead of end_date)'),
    time_zone: z.string().max(64).optional().describe('IANA zone of the billing dates (default Asia/Shanghai)'),
  })
  .meta({ id: 'LinkPlan' });

export const authorizationLinkObject = z
  .object({
    id,
    object: z.literal('authorization_link'),
    customer_id: id,
    status: z.enum(authorizationLinkStatus.enumValues),
    url: z.url().describe('Send the buyer here to choose a wallet and agree to Auto Debit'),
    plan: linkPlan.nullable(),
    expires_at: timestamp,
    created_at: timestamp,
  })
  .meta({ id: 'AuthorizationLink' });

export const agreementObject = z
  .object({
    id,
    object: z.literal('agreement'),
    customer_id: id,
    status: z.enum(agreementStatus.enumValues),
    payment_method: z.string(),
    user_login_id_masked: z.string().nullable(),
    failure_code: z.string().nullable(),
    access_token_expires_at: nullableTimestamp,
    activated_at: nullableTimestamp,
    revoked_at: nullableTimestamp,
    created_at: timestamp,
  })
  .meta({ id: 'Agreement' });

export const chargeAttemptObject = z
  .object({
    id,
    object: z.literal('charge_attempt'),
    attempt_number: z.number().int(),
    status: z.enum(paymentStatus.enumValues),
    payment_request_id: z.string(),
    amount: z.string(),
    currency,
    amount_refunded: z.string(),
    result_code: z.string().nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    created_at: timestamp,
    succeeded_at: nullableTimestamp,
    failed_at: nullableTimestamp,
  })
  .meta({ id: 'ChargeAttempt' });

export const chargeObject = z
  .object({
    id,
    object: z.literal('charge'),
    reference: z.string().describe('The order reference (unique): the same reference again is the same charge'),
    agreement_id: id,
    customer_id: id,
    amount: z.string(),
    currency,
    description: z.string(),
    status: z.enum(['open', 'succeeded', 'failed', 'canceled']),
    attempts: z.array(chargeAttemptObject),
    created_at: timestamp,
  })
  .meta({ id: 'Charge' });

export const refundObject = z
  .object({
    id,
    object: z.literal('refund'),
    charge_id: id,
    attempt_id: id,
    amount: z.string(),
    currency,
    status: z.enum(refundStatus.enumValues),
    reason: z.string(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    created_at: timestamp,
    settled_at: nullableTimestamp,
  })
  .meta({ id: 'Refund' });

export const eventObject = z
  .object({
    id,
    object: z.literal('event'),
    type: z
      .string()
      .describe(
        'The business event where the step is one (agreement.activated / revoked / invalidated / expired, charge.succeeded / failed / canceled / unknown_resolved, refund.succeeded / failed, schedule.past_due / unpaid / canceled …, reconciliation.discrepancy_opened), else the step',
      ),
    step: z.string().describe('The timeline step: agreement.<step>, charge_attempt.<step>, refund.<step>, schedule.<step> or reconciliation_discrepancy.discrepancy_opened'),
    object_type: z.enum(['agreement', 'charge_attempt', 'schedule', 'reconciliation_discrepancy']),
    object_id: id,
    refund_id: id.nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'Event' });

export const paymentRequestObject = z
  .object({
    id,
    object: z.literal('payment_request'),
    charge_id: id,
    attempt_id: id,
    reference: z.string(),
    amount: z.string(),
    currency,
    description: z.string(),
    url: z.url().describe('Send the buyer here to confirm this one payment (shown once: only a hash of the token is stored)'),
    expires_at: timestamp,
  })
  .meta({ id: 'PaymentRequest' });

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

export const scheduleObject = z
  .object({
    id,
    object: z.literal('schedule'),
    agreement_id: id,
    customer_id: id,
    status: z.enum(scheduleStatus.enumValues),
    status_reason: z.string().nullable(),
    amount: z.string(),
    currency,
    description: z.string(),
    interval: z.enum(scheduleIntervalUnit.enumValues),
    interval_count: z.number().int(),
    anchor_day: z.number().int().nullable(),
    time_zone: z.string(),
    start_date: z.string().describe('YYYY-MM-DD in time_zone'),
    end_date: z.string().nullable(),
    max_periods: z.number().int().nullable(),
    catch_up: z.boolean(),
    cancel_at_period_end: z.boolean(),
    next_charge_at: nullableTimestamp.describe('When the next period is due (null when none is left)'),
    created_at: timestamp,
  })
  .meta({ id: 'Schedule' });

export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean(), url: z.string() }).meta({ id: `${name}List` });
}

// ── Inputs ──────────────────────────────────────────────────────────────────────────────────────────────
export const idParams = z.strictObject({ id });

export const listQuery = z.strictObject({
  limit: z.coerce.number({ error: 'must be a number from 1 to 100' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(10),
  starting_after: id.optional().describe('An object id: the page after it (newest first)'),
  ending_before: id.optional().describe('An object id: the page before it'),
});

export const customerCreate = z
  .strictObject({
    reference: z.string().describe('Your own id for the customer (unique)'),
    name: z.string(),
    email: z.string().optional(),
    phone: z.string().optional(),
    country: z.string().optional().describe('ISO 3166-1 alpha-2'),
    preferred_language: z.string().optional().describe('Language of the buyer pages (BCP 47)'),
  })
  .meta({ id: 'CustomerCreate' });

export const authorizationLinkCreate = z
  .strictObject({
    customer_id: id,
    expires_in_hours: z.number().int('must be a whole number of hours').min(1).max(720).optional(),
    plan: linkPlan.optional().describe('A billing plan shown to the buyer before they agree; agreeing creates its schedule once'),
  })
  .meta({ id: 'AuthorizationLinkCreate' });

export const chargeCreate = z
  .strictObject({
    agreement_id: id,
    amount: minorAmount,
    currency,
    description: z.string().min(1).max(256).describe('Shown to the buyer in the wallet'),
    reference: z.string().max(64).optional().describe('Your order reference; the same reference is the same charge (default: a new one)'),
  })
  .meta({ id: 'ChargeCreate' });

export const refundCreate = z
  .strictObject({
    charge_id: id,
    amount: minorAmount,
    reason: z.string().min(3).max(256),
  })
  .meta({ id: 'RefundCreate' });

export const emptyBody = z.strictObject({});

export const paymentRequestCreate = z
  .strictObject({
    agreement_id: id,
    amount: minorAmount,
    currency,
    description: z.string().min(1).max(256).describe('Shown to the buyer on the confirm page and in the wallet'),
    reference: z.string().max(64).optional().describe('Your order reference (unique; default: a new one)'),
  })
  .meta({ id: 'PaymentRequestCreate' });

export const scheduleCreate = z
  .strictObject({
    agreement_id: id,
    amount: minorAmount,
    currency: currency.optional().describe('The wallet’s currency (checked when given)'),
    description: z.string().min(1).max(256).describe('Shown to the buyer'),
    interval: z.enum(scheduleIntervalUnit.enumValues),
    interval_count: z.number().int('must be a whole number').min(1).max(3650).optional().describe('Every N intervals (default 1)'),
    anchor_day: z.number().int('must be a whole number').min(1).max(31).optional().describe('Day of month (month / year intervals); the 31st bills on the last day of shorter months'),
    start_date: localDate.describe('First period, YYYY-MM-DD in time_zone'),
    end_date: localDate.optional(),
    max_periods: z.number().int('must be a whole number').min(1).max(10_000).optional(),
    time_zone: z.string().max(64).optional().describe('IANA zone of the anchor (default: the merchant’s)'),
    catch_up: z.boolean().optional().describe('After downtime charge every missed period (default: only the latest)'),
  })
  .meta({ id: 'ScheduleCreate' });

export const schedulePause = z.strictObject({ reason: z.string().max(200).optional() }).meta({ id: 'SchedulePause' });
export const scheduleResume = z.strictObject({ back_bill: z.boolean().optional().describe('Charge the periods skipped while paused (default: no)') }).meta({ id: 'ScheduleResume' });
export const scheduleCancel = z.strictObject({ at: z.enum(['now', 'period_end']).optional().describe('now (default) or at the end of the current period') }).meta({ id: 'ScheduleCancel' });
