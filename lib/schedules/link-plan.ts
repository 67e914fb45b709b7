import { and, eq } from 'drizzle-orm';
import { checkPaymentMethodAmount, getPaymentMethod, isPaymentMethodCode } from '@/lib/alipay';
import type { Db } from '@/lib/db/client';
import { billingSchedules, type Agreement, type LinkPlan } from '@/lib/db/schema';
import { checkAmount, formatAmount, isCurrencyCode, parseStaffAmount } from '@/lib/money';
import type { ServiceResult } from '@/lib/service-result';
import { compareLocalDates, formatLocalDate, localDateAt, periodDueAt, previewDates, startOfLocalDate } from './period-calendar';
import { recordScheduleEvents } from './schedule-events';
import { parseCalendarInput, specOf, type CalendarInput } from './schedule-spec';

/**
 * A plan on an authorization link (issue 22 point 5): "₱499.00 every month from 1 May". Staff or the merchant
 * API attach it when making the link; the wallet picker shows it before the buyer agrees (and offers only the
 * wallets that charge its currency); when the link's agreement activates, `createScheduleFromLinkPlan` makes the
 * schedule inside the activation transaction — once, since billing_schedules.link_id is unique.
 */

export interface PlanInput extends CalendarInput {
  /** As typed ("499.00"), in the currency's decimals; or minor units with `amountIsMinor` (the merchant API). */
  amount: string;
  amountIsMinor?: boolean;
  currency: string;
  description: string;
}

export type PlanError = 'plan_invalid';

/** Checks a plan and says what is wrong, with the field; bad input makes no link. */
export function checkLinkPlan(input: PlanInput, now: Date): ServiceResult<LinkPlan, PlanError> {
  const bad = (field: string, error: string) => ({ ok: false as const, code: 'plan_invalid' as const, error, fieldErrors: { [field]: [error] } });
  const currency = input.currency.trim().toUpperCase();
  if (!isCurrencyCode(currency)) return bad('currency', `${input.currency} is not a currency Daikou knows (use a code such as PHP).`);
  let minor: bigint;
  if (input.amountIsMinor) {
    if (!/^\d{1,16}$/.test(input.amount)) return bad('amount', 'The amount is a string of minor units, e.g. "49900".');
    minor = BigInt(input.amount);
  } else {
    const parsed = parseStaffAmount(input.amount, currency);
    if (!parsed.ok) return bad('amount', parsed.error);
    minor = parsed.minor;
  }
  const issues = checkAmount(minor, currency);
  if (issues.length > 0) return bad('amount', issues.map((i) => i.message).join(' '));
  const description = input.description.trim();
  if (description.length === 0 || description.length > 256) return bad('description', 'Enter a plan description of 1 to 256 characters; the buyer sees it.');
  const calendar = parseCalendarInput(input);
  if (!calendar.ok) return bad(calendar.field, calendar.error);
  if (compareLocalDates(calendar.spec.startDate, localDateAt(now, calendar.spec.timeZone)) < 0) return bad('startDate', 'The start date is in the past.');
  if (previewDates(calendar.spec, new Date(now.getTime() - 1), 1).length === 0) return bad('startDate', 'These dates leave no charge at all; check the start, the end and the anchor.');
  const { spec } = calendar;
  return {
    ok: true,
    data: {
      amountMinor: minor.toString(),
      currency,
      description,
      intervalUnit: spec.unit,
      intervalCount: spec.every,
      anchorDay: spec.anchorDay,
      startDate: formatLocalDate(spec.startDate),
      endDate: spec.endDate ? formatLocalDate(spec.endDate) : null,
      maxPeriods: spec.maxPeriods,
      timeZone: spec.timeZone,
    },
  };
}

/** The plan as it starts when agreed at `now`: a start date that passed while the link was open becomes today. */
export function effectivePlan(plan: LinkPlan, now: Date): LinkPlan {
  const today = localDateAt(now, plan.timeZone);
  return compareLocalDates(specOf(plan).startDate, today) < 0 ? { ...plan, startDate: formatLocalDate(today) } : plan;
}

/**
 * The plan's first charge date (local YYYY-MM-DD) if the buyer agrees at `now` — what the wallet picker shows. A
 * period due earlier today counts: the billing run charges it as soon as the schedule exists.
 */
export function planFirstDate(plan: LinkPlan, now: Date): string | null {
  const startOfToday = startOfLocalDate(localDateAt(now, plan.timeZone), plan.timeZone);
  return previewDates(specOf(effectivePlan(plan, now)), new Date(startOfToday.getTime() - 1), 1)[0]?.date ?? null;
}

export type PlanOutcome = { kind: 'created'; scheduleId: string } | { kind: 'exists' } | { kind: 'not_applicable'; reason: string };

/**
 * Makes the schedule of a link's plan for the agreement that just activated; takes the activation transaction.
 * The wallet must charge the plan's currency and accept its amount; a plan whose start passed while the link was
 * open starts on the day the buyer agreed. Inserted with the link id (unique): a second activation of the same
 * link makes nothing.
 */
export async function createScheduleFromLinkPlan(tx: Db, agreement: Pick<Agreement, 'id' | 'customerId' | 'paymentMethod'>, link: { id: string; plan: LinkPlan }, now: Date): Promise<PlanOutcome> {
  const { plan } = link;
  const method = isPaymentMethodCode(agreement.paymentMethod) ? getPaymentMethod(agreement.paymentMethod) : undefined;
  if (!method || method.currency !== plan.currency) return { kind: 'not_applicable', reason: `${agreement.paymentMethod} does not charge ${plan.currency}.` };
  const amountMinor = BigInt(plan.amountMinor);
  const issues = checkPaymentMethodAmount(method.code, amountMinor, plan.currency as never);
  if (issues.length > 0) return { kind: 'not_applicable', reason: `${formatAmount(amountMinor, plan.currency)}: ${issues.map((i) => i.message).join(' ')}` };
  const { startDate } = effectivePlan(plan, now);
  const spec = specOf({ ...plan, startDate });
  const first = periodDueAt(spec, 0);
  if (!first) return { kind: 'not_applicable', reason: 'The plan has no charge left.' };
  const [row] = await tx
    .insert(billingSchedules)
    .values({
      agreementId: agreement.id,
      customerId: agreement.customerId,
      linkId: link.id,
      amountMinor,
      currency: plan.currency,
      description: plan.description,
      intervalUnit: plan.intervalUnit,
      intervalCount: plan.intervalCount,
      anchorDay: plan.anchorDay,
      timeZone: plan.timeZone,
      startDate,
      endDate: plan.endDate,
      maxPeriods: plan.maxPeriods,
      status: 'ACTIVE',
      nextPeriod: 0,
      nextDueAt: first,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: billingSchedules.linkId })
    .returning({ id: billingSchedules.id });
  if (!row) return { kind: 'exists' };
  await recordScheduleEvents(tx, [
    {
      scheduleId: row.id,
      type: 'created',
      message: `Created from the authorization link's plan when the buyer agreed: ${formatAmount(amountMinor, plan.currency)} every ${plan.intervalCount} ${plan.intervalUnit}(s), first charge ${formatLocalDate(localDateAt(first, plan.timeZone))}.`,
      detail: { linkId: link.id },
      at: now,
    },
  ]);
  return { kind: 'created', scheduleId: row.id };
}

/** The schedule a link's plan made, if any. */
export async function scheduleOfLink(db: Db, linkId: string): Promise<string | null> {
  const [row] = await db.select({ id: billingSchedules.id }).from(billingSchedules).where(and(eq(billingSchedules.linkId, linkId))).limit(1);
  return row?.id ?? null;
}
