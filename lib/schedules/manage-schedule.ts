import { and, eq, inArray, sql } from 'drizzle-orm';
import { checkPaymentMethodAmount, isPaymentMethodCode } from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { isUuid } from '@/lib/db/is-uuid';
import { agreements, billingSchedules, schedulePeriods, type BillingSchedule, type ScheduleStatus } from '@/lib/db/schema';
import { formatAmount, parseStaffAmount } from '@/lib/money';
import type { ServiceResult } from '@/lib/service-result';
import { firstPeriodAfter, periodDueAt } from './period-calendar';
import { recordScheduleEvents } from './schedule-events';
import { specOf } from './schedule-spec';

export type ManageError = 'not_found' | 'not_allowed' | 'agreement_not_active' | 'amount_invalid' | 'conflict';
type Result = ServiceResult<BillingSchedule, ManageError>;

const STATUS_WORDS: Record<ScheduleStatus, string> = {
  ACTIVE: 'active',
  PAUSED: 'paused',
  PAST_DUE: 'past due',
  UNPAID: 'unpaid',
  CANCELED: 'canceled',
  COMPLETED: 'completed',
};

async function load(db: Db, id: string): Promise<BillingSchedule | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(billingSchedules).where(eq(billingSchedules.id, id)).limit(1);
  return row ?? null;
}

function refuse(schedule: BillingSchedule, what: string): Result {
  return { ok: false, code: 'not_allowed', error: `A ${STATUS_WORDS[schedule.status]} schedule cannot be ${what}.` };
}

/** Pauses billing: no period starts and no retry runs until resumed. ACTIVE, PAST_DUE and UNPAID may pause. */
export async function pauseSchedule(db: Db, actor: Actor, id: string, reason: string | null, now = new Date()): Promise<Result> {
  assertCan(actor, 'schedules.manage');
  const schedule = await load(db, id);
  if (!schedule) return { ok: false, code: 'not_found', error: 'No such schedule.' };
  const words = reason?.trim() ? `Paused by ${actor.email}: ${reason.trim().slice(0, 200)}` : `Paused by ${actor.email}.`;
  return db.transaction(async (tx) => {
    const row = await guardedTransition(tx, billingSchedules, { id, from: ['ACTIVE', 'PAST_DUE', 'UNPAID'], to: 'PAUSED', set: { statusReason: words, updatedAt: now } });
    if (!row) return refuse(schedule, 'paused');
    await recordScheduleEvents(tx, [{ scheduleId: id, type: 'paused', message: words, at: now }]);
    await recordAudit(tx, actor, { action: 'schedule.pause', objectType: 'schedule', objectId: id, at: now, before: { status: schedule.status }, after: { status: 'PAUSED', reason: words } });
    return { ok: true, data: row };
  });
}

/**
 * Resumes a paused schedule on an ACTIVE agreement. Periods that fell due while paused are not billed (the next
 * one is the first due after now) unless `backBill` is set: then billing continues where it stopped, each missed
 * period once.
 */
export async function resumeSchedule(db: Db, actor: Actor, id: string, options: { backBill?: boolean } = {}, now = new Date()): Promise<Result> {
  assertCan(actor, 'schedules.manage');
  const schedule = await load(db, id);
  if (!schedule) return { ok: false, code: 'not_found', error: 'No such schedule.' };
  if (schedule.status !== 'PAUSED') return refuse(schedule, 'resumed');
  const [agreement] = await db.select({ status: agreements.status }).from(agreements).where(eq(agreements.id, schedule.agreementId));
  if (agreement?.status !== 'ACTIVE') return { ok: false, code: 'agreement_not_active', error: 'Its agreement is no longer active; the buyer must authorize again.' };
  const spec = specOf(schedule);
  const next = options.backBill ? schedule.nextPeriod : (firstPeriodAfter(spec, now, schedule.nextPeriod) ?? null);
  const nextDueAt = next === null ? null : periodDueAt(spec, next);
  const skipped = next === null ? 0 : next - schedule.nextPeriod;
  return db.transaction(async (tx) => {
    const row = await guardedTransition(tx, billingSchedules, {
      id,
      from: ['PAUSED'],
      to: nextDueAt ? 'ACTIVE' : 'COMPLETED',
      set: { statusReason: null, nextPeriod: next ?? schedule.nextPeriod, nextDueAt, updatedAt: now },
    });
    if (!row) return { ok: false, code: 'conflict', error: 'The schedule changed meanwhile; reload.' };
    const message = options.backBill
      ? `Resumed by ${actor.email}; periods missed while paused are billed.`
      : `Resumed by ${actor.email}${skipped > 0 ? `; ${skipped} period(s) that fell due while paused are not billed` : ''}.`;
    await recordScheduleEvents(tx, [{ scheduleId: id, type: 'resumed', message, at: now, detail: { skipped, backBill: options.backBill ?? false } }]);
    await recordAudit(tx, actor, { action: 'schedule.resume', objectType: 'schedule', objectId: id, at: now, before: { status: 'PAUSED', nextPeriod: schedule.nextPeriod }, after: { status: row.status, nextPeriod: row.nextPeriod, backBill: options.backBill ?? false } });
    return { ok: true, data: row };
  });
}

/**
 * Cancels now (no further period or retry) or at the period end (the current period's retries go on; no new
 * period starts).
 */
export async function cancelSchedule(db: Db, actor: Actor, id: string, when: 'now' | 'period_end', now = new Date()): Promise<Result> {
  assertCan(actor, 'schedules.manage');
  const schedule = await load(db, id);
  if (!schedule) return { ok: false, code: 'not_found', error: 'No such schedule.' };
  const from: ScheduleStatus[] = ['ACTIVE', 'PAUSED', 'PAST_DUE', 'UNPAID'];
  return db.transaction(async (tx) => {
    if (when === 'now') {
      const row = await guardedTransition(tx, billingSchedules, { id, from, to: 'CANCELED', set: { statusReason: `Canceled by ${actor.email}.`, nextDueAt: null, updatedAt: now } });
      if (!row) return refuse(schedule, 'canceled');
      await recordScheduleEvents(tx, [{ scheduleId: id, type: 'canceled', message: `Canceled by ${actor.email}; nothing more is charged.`, at: now }]);
      await recordAudit(tx, actor, { action: 'schedule.cancel', objectType: 'schedule', objectId: id, at: now, before: { status: schedule.status }, after: { status: 'CANCELED' } });
      return { ok: true, data: row };
    }
    const [row] = await tx
      .update(billingSchedules)
      .set({ cancelAtPeriodEnd: true, updatedAt: now })
      .where(and(eq(billingSchedules.id, id), inArray(billingSchedules.status, from)))
      .returning();
    if (!row) return refuse(schedule, 'canceled');
    await recordScheduleEvents(tx, [{ scheduleId: id, type: 'cancel_scheduled', message: `${actor.email} asked to cancel at the end of the current period; no new period starts.`, at: now }]);
    await recordAudit(tx, actor, { action: 'schedule.cancel_at_period_end', objectType: 'schedule', objectId: id, at: now, before: { cancelAtPeriodEnd: schedule.cancelAtPeriodEnd }, after: { cancelAtPeriodEnd: true } });
    return { ok: true, data: row };
  });
}

/** A new amount from the next period that starts (periods already started keep theirs). */
export async function changeScheduleAmount(db: Db, actor: Actor, id: string, amount: string, now = new Date()): Promise<Result> {
  assertCan(actor, 'schedules.manage');
  const schedule = await load(db, id);
  if (!schedule) return { ok: false, code: 'not_found', error: 'No such schedule.' };
  if (schedule.status === 'CANCELED' || schedule.status === 'COMPLETED') return refuse(schedule, 'changed');
  const parsed = parseStaffAmount(amount, schedule.currency);
  if (!parsed.ok) return { ok: false, code: 'amount_invalid', error: parsed.error, fieldErrors: { amount: [parsed.error] } };
  const [agreement] = await db.select({ paymentMethod: agreements.paymentMethod }).from(agreements).where(eq(agreements.id, schedule.agreementId));
  const issues = parsed.minor <= 0n ? [{ message: 'Enter an amount above zero.' }] : agreement && isPaymentMethodCode(agreement.paymentMethod) ? checkPaymentMethodAmount(agreement.paymentMethod, parsed.minor, schedule.currency as never) : [];
  if (issues.length > 0) {
    const error = `${formatAmount(parsed.minor, schedule.currency)}: ${issues.map((i) => i.message).join(' ')}`;
    return { ok: false, code: 'amount_invalid', error, fieldErrors: { amount: [error] } };
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(billingSchedules)
      .set({ amountMinor: parsed.minor, updatedAt: now })
      .where(and(eq(billingSchedules.id, id), sql`${billingSchedules.status} not in ('CANCELED', 'COMPLETED')`))
      .returning();
    if (!row) return refuse(schedule, 'changed');
    const message = `${actor.email} changed the amount from ${formatAmount(schedule.amountMinor, schedule.currency)} to ${formatAmount(parsed.minor, schedule.currency)}, from period ${row.nextPeriod + 1} on.`;
    await recordScheduleEvents(tx, [{ scheduleId: id, type: 'amount_changed', message, at: now, detail: { fromPeriod: row.nextPeriod } }]);
    await recordAudit(tx, actor, { action: 'schedule.change_amount', objectType: 'schedule', objectId: id, at: now, before: { amountMinor: schedule.amountMinor.toString() }, after: { amountMinor: parsed.minor.toString(), fromPeriod: row.nextPeriod } });
    return { ok: true, data: row };
  });
}

/**
 * Pauses every billing schedule of an agreement that ended (revoked, invalid, expired), with the reason; takes the
 * caller's transaction so it commits with the agreement's change. Returns how many were paused.
 */
export async function pauseSchedulesForAgreement(tx: Db, agreementId: string, reason: string, at: Date): Promise<number> {
  const rows = await tx
    .update(billingSchedules)
    .set({ status: 'PAUSED', statusReason: reason, updatedAt: at })
    .where(and(eq(billingSchedules.agreementId, agreementId), inArray(billingSchedules.status, ['ACTIVE', 'PAST_DUE', 'UNPAID'])))
    .returning({ id: billingSchedules.id });
  await recordScheduleEvents(tx, rows.map((r) => ({ scheduleId: r.id, type: 'agreement_ended' as const, message: reason, at })));
  return rows.length;
}

/** A buyer's schedules that still bill or may bill again (the manage page), newest first, with their wallet. */
export async function listBuyerSchedules(db: Db, customerId: string): Promise<(BillingSchedule & { paymentMethod: string })[]> {
  const rows = await db
    .select({ schedule: billingSchedules, paymentMethod: agreements.paymentMethod })
    .from(billingSchedules)
    .innerJoin(agreements, eq(agreements.id, billingSchedules.agreementId))
    .where(and(eq(billingSchedules.customerId, customerId), inArray(billingSchedules.status, ['ACTIVE', 'PAUSED', 'PAST_DUE', 'UNPAID'])))
    .orderBy(sql`${billingSchedules.createdAt} desc`);
  return rows.map((r) => ({ ...r.schedule, paymentMethod: r.paymentMethod }));
}

/**
 * The buyer cancels one of their own schedules from the manage page: now, nothing more is charged (a period
 * already charging finishes; no retry or new period starts). Audited without a staff actor.
 */
export async function cancelScheduleByBuyer(db: Db, input: { scheduleId: string; customerId: string }, now = new Date()): Promise<Result> {
  const schedule = await load(db, input.scheduleId);
  if (!schedule || schedule.customerId !== input.customerId) return { ok: false, code: 'not_found', error: 'No such schedule.' };
  return db.transaction(async (tx) => {
    const row = await guardedTransition(tx, billingSchedules, { id: schedule.id, from: ['ACTIVE', 'PAUSED', 'PAST_DUE', 'UNPAID'], to: 'CANCELED', set: { statusReason: 'Canceled by the buyer.', nextDueAt: null, updatedAt: now } });
    if (!row) return refuse(schedule, 'canceled');
    await recordScheduleEvents(tx, [{ scheduleId: schedule.id, type: 'canceled', message: 'Canceled by the buyer on their manage page; nothing more is charged.', at: now }]);
    await tx.update(schedulePeriods).set({ status: 'failed', nextRetryAt: null, lastFailureMessage: 'The buyer canceled the schedule.', updatedAt: now }).where(and(eq(schedulePeriods.scheduleId, schedule.id), eq(schedulePeriods.status, 'retrying')));
    await recordAudit(tx, null, { action: 'schedule.cancel_by_buyer', objectType: 'schedule', objectId: schedule.id, at: now, before: { status: schedule.status }, after: { status: 'CANCELED', customerId: input.customerId } });
    return { ok: true, data: row };
  });
}
