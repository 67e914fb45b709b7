import { eq } from 'drizzle-orm';
import { checkPaymentMethodAmount, getPaymentMethod, isPaymentMethodCode } from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { isUuid } from '@/lib/db/is-uuid';
import { agreements, billingSchedules, type BillingSchedule } from '@/lib/db/schema';
import { formatAmount, isCurrencyCode, parseStaffAmount, type CurrencyCode } from '@/lib/money';
import type { ServiceResult } from '@/lib/service-result';
import { compareLocalDates, localDateAt, periodDueAt, previewDates } from './period-calendar';
import { recordScheduleEvents } from './schedule-events';
import { parseCalendarInput, type CalendarInput } from './schedule-spec';

export interface ScheduleDraft extends CalendarInput {
  agreementId: string;
  /** As typed ("499.00"); the wallet's currency decides the decimals. */
  amount: string;
  /** When given it must be the wallet's currency. */
  currency?: string | null;
  description: string;
  catchUp?: boolean;
}

export type ScheduleDraftError =
  | 'agreement_not_found'
  | 'agreement_not_active'
  | 'wallet_not_supported'
  | 'currency_mismatch'
  | 'amount_invalid'
  | 'description_invalid'
  | 'calendar_invalid'
  | 'no_periods';

export interface CheckedDraft {
  agreementId: string;
  customerId: string;
  amountMinor: bigint;
  currency: CurrencyCode;
  description: string;
  calendar: ReturnType<typeof parseCalendarInput> & { ok: true };
  preview: { period: number; date: string; dueAt: Date }[];
}

/**
 * Checks a draft against the agreement and the wallet's rules and computes the next five dates; shared by the
 * preview (before saving) and the create. Bad input changes nothing and says what is wrong.
 */
export async function checkScheduleDraft(db: Db, draft: ScheduleDraft, now: Date): Promise<ServiceResult<CheckedDraft, ScheduleDraftError>> {
  if (!isUuid(draft.agreementId)) return { ok: false, code: 'agreement_not_found', error: 'No such agreement.' };
  const [agreement] = await db.select().from(agreements).where(eq(agreements.id, draft.agreementId)).limit(1);
  if (!agreement) return { ok: false, code: 'agreement_not_found', error: 'No such agreement.' };
  if (agreement.status !== 'ACTIVE') {
    return { ok: false, code: 'agreement_not_active', error: `A schedule needs an active agreement; this one is ${agreement.status.toLowerCase()}.` };
  }
  const method = isPaymentMethodCode(agreement.paymentMethod) ? getPaymentMethod(agreement.paymentMethod) : undefined;
  if (!method || !isCurrencyCode(method.currency)) return { ok: false, code: 'wallet_not_supported', error: `${agreement.paymentMethod} is not a wallet Daikou can charge.` };
  const currency = method.currency as CurrencyCode;
  if (draft.currency && draft.currency !== currency) {
    return { ok: false, code: 'currency_mismatch', error: `${method.nameEn} charges in ${currency} only, not ${draft.currency}.`, fieldErrors: { currency: [`Use ${currency}.`] } };
  }
  const parsed = parseStaffAmount(draft.amount, currency);
  if (!parsed.ok) return { ok: false, code: 'amount_invalid', error: parsed.error, fieldErrors: { amount: [parsed.error] } };
  if (parsed.minor <= 0n) return { ok: false, code: 'amount_invalid', error: 'Enter an amount above zero.', fieldErrors: { amount: ['Enter an amount above zero.'] } };
  const issues = checkPaymentMethodAmount(method.code, parsed.minor, currency);
  if (issues.length > 0) {
    const error = `${formatAmount(parsed.minor, currency)}: ${issues.map((i) => i.message).join(' ')}`;
    return { ok: false, code: 'amount_invalid', error, fieldErrors: { amount: [error] } };
  }
  const description = draft.description.trim();
  if (description.length === 0 || description.length > 256) {
    return { ok: false, code: 'description_invalid', error: 'Enter a description of 1 to 256 characters; the buyer sees it.', fieldErrors: { description: ['Enter 1 to 256 characters.'] } };
  }
  const calendar = parseCalendarInput(draft);
  if (!calendar.ok) return { ok: false, code: 'calendar_invalid', error: calendar.error, fieldErrors: { [calendar.field]: [calendar.error] } };
  if (compareLocalDates(calendar.spec.startDate, localDateAt(now, calendar.spec.timeZone)) < 0) {
    return { ok: false, code: 'calendar_invalid', error: 'The start date is in the past.', fieldErrors: { startDate: ['The start date is in the past.'] } };
  }
  const preview = previewDates(calendar.spec, new Date(now.getTime() - 1));
  if (preview.length === 0) return { ok: false, code: 'no_periods', error: 'These dates leave no charge at all; check the start, the end and the anchor.' };
  return { ok: true, data: { agreementId: agreement.id, customerId: agreement.customerId, amountMinor: parsed.minor, currency, description, calendar, preview } };
}

/** Creates an ACTIVE schedule (staff with schedules.manage); audited, with its first timeline entry. */
export async function createSchedule(db: Db, actor: Actor, draft: ScheduleDraft, now = new Date()): Promise<ServiceResult<BillingSchedule, ScheduleDraftError>> {
  assertCan(actor, 'schedules.manage');
  const checked = await checkScheduleDraft(db, draft, now);
  if (!checked.ok) return checked;
  const { spec } = checked.data.calendar;
  const first = periodDueAt(spec, 0)!;
  const schedule = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(billingSchedules)
      .values({
        agreementId: checked.data.agreementId,
        customerId: checked.data.customerId,
        amountMinor: checked.data.amountMinor,
        currency: checked.data.currency,
        description: checked.data.description,
        intervalUnit: spec.unit,
        intervalCount: spec.every,
        anchorDay: spec.anchorDay,
        timeZone: spec.timeZone,
        startDate: draft.startDate.trim(),
        endDate: draft.endDate?.trim() || null,
        maxPeriods: spec.maxPeriods,
        catchUp: draft.catchUp ?? false,
        status: 'ACTIVE',
        nextPeriod: 0,
        nextDueAt: first,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error('createSchedule: no row');
    await recordScheduleEvents(tx, [
      { scheduleId: row.id, type: 'created', message: `Created by ${actor.email}: ${formatAmount(row.amountMinor, row.currency)} every ${spec.every} ${spec.unit}(s), first charge ${checked.data.preview[0]!.date}.`, at: now },
    ]);
    await recordAudit(tx, actor, { action: 'schedule.create', objectType: 'schedule', objectId: row.id, at: now, after: { ...row, amountMinor: row.amountMinor.toString() } });
    return row;
  });
  return { ok: true, data: schedule };
}
