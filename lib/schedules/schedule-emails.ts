import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import { getPaymentMethod, isPaymentMethodCode } from '@/lib/alipay';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows-of';
import { agreements, authorizationLinks, billingSchedules, customers, payments, scheduleEmails, schedulePeriods, type BillingSchedule, type LinkPlan, type ScheduleEmail, type SchedulePeriod } from '@/lib/db/schema';
import { errorLine, log } from '@/lib/log';
import type { Mailer } from '@/lib/mail/mailer';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { buyerLocale, buyerTranslator } from './buyer-messages';
import { declineKind, DAY_MS } from './dunning';
import { recordScheduleEvents, type ScheduleEventInput } from './schedule-events';
import { formatLocalDate, localDateAt } from './period-calendar';
import { longDateAt, planAmount, type BuyerTranslate } from './plan-words';

/**
 * The buyer hears about their money (issue 22 point 6): an upcoming-charge reminder some days before a period is
 * due, a receipt after each paid period, and a failed-payment message saying what to do — in the customer's
 * language, by email through SMTP (lib/mail/mailer.ts). Each (schedule, period, kind) is claimed in
 * schedule_emails (unique) before anything is sent, so a message goes out at most once whoever runs the job and
 * however often; a kind the merchant turned off is recorded as skipped and never sent later.
 *
 * Reminders look `emailReminderDays` ahead of the schedule's next due date; receipts and failed-payment messages
 * follow the periods the billing run settled in the last week (older history is never mailed).
 */

export type EmailKind = 'reminder' | 'receipt' | 'payment_failed';

export interface ScheduleEmailDeps {
  db: Db;
  /** null: no SMTP configured; each message is recorded as skipped. */
  mailer: Mailer | null;
  now: Date;
  /** The portal's public URL (links to the manage page and fresh authorization links). */
  appUrl: string;
  /** Stop taking new messages after this many milliseconds (the job's lease); the next run goes on. */
  budgetMs?: number;
}

export interface ScheduleEmailStats {
  sent: number;
  skipped: number;
  failed: number;
}

/** Periods settled longer ago than this are not mailed about. */
const LOOKBACK_MS = 7 * DAY_MS;
const BATCH = 200;
/** A fresh authorization link (after a hard decline) works this long. */
const FRESH_LINK_HOURS = 7 * 24;

interface Candidate {
  scheduleId: string;
  periodNumber: number;
  kind: EmailKind;
}

export async function sendScheduleEmails(deps: ScheduleEmailDeps): Promise<ScheduleEmailStats> {
  const { db, now } = deps;
  const settings = await getMerchantSettings(db);
  const stats: ScheduleEmailStats = { sent: 0, skipped: 0, failed: 0 };
  const since = new Date(now.getTime() - LOOKBACK_MS).toISOString();
  const ahead = new Date(now.getTime() + settings.emailReminderDays * DAY_MS).toISOString();
  const candidates: Candidate[] = [];
  const reminders = rowsOf<{ id: string; next_period: number }>(
    await db.execute(sql`
      select s.id, s.next_period from billing_schedules s
      where s.status in ('ACTIVE', 'PAST_DUE') and s.cancel_at_period_end = false and s.next_due_at is not null
        and s.next_due_at > ${now.toISOString()}::timestamptz and s.next_due_at <= ${ahead}::timestamptz
        and not exists (select 1 from schedule_emails e where e.schedule_id = s.id and e.period_number = s.next_period and e.kind = 'reminder')
      order by s.next_due_at limit ${BATCH}`),
  );
  for (const r of reminders) candidates.push({ scheduleId: r.id, periodNumber: Number(r.next_period), kind: 'reminder' });
  const settled = rowsOf<{ schedule_id: string; period_number: number; status: string }>(
    await db.execute(sql`
      select p.schedule_id, p.period_number, p.status from schedule_periods p
      where p.updated_at >= ${since}::timestamptz
        and (
          (p.status = 'paid' and not exists (select 1 from schedule_emails e where e.schedule_id = p.schedule_id and e.period_number = p.period_number and e.kind = 'receipt'))
          or (p.status in ('retrying', 'failed') and p.last_failure_code is not null
              and not exists (select 1 from schedule_emails e where e.schedule_id = p.schedule_id and e.period_number = p.period_number and e.kind = 'payment_failed'))
        )
      order by p.updated_at limit ${BATCH}`),
  );
  for (const p of settled) candidates.push({ scheduleId: p.schedule_id, periodNumber: Number(p.period_number), kind: p.status === 'paid' ? 'receipt' : 'payment_failed' });

  const enabled: Record<EmailKind, boolean> = { reminder: settings.emailReminderEnabled, receipt: settings.emailReceiptEnabled, payment_failed: settings.emailFailedEnabled };
  const started = Date.now();
  for (const c of candidates) {
    if (deps.budgetMs !== undefined && Date.now() - started > deps.budgetMs) break;
    try {
      const outcome = await sendOne(deps, c, enabled[c.kind], settings.merchantName);
      if (outcome) stats[outcome]++;
    } catch (error) {
      // One bad message must not stop the others; its claim row says what happened.
      log().warn({ scheduleId: c.scheduleId, period: c.periodNumber, kind: c.kind, err: errorLine(error) }, 'schedule email failed');
      stats.failed++;
    }
  }
  return stats;
}

async function sendOne(deps: ScheduleEmailDeps, c: Candidate, enabled: boolean, merchant: string): Promise<keyof ScheduleEmailStats | null> {
  const { db, now } = deps;
  const [row] = await db
    .select({ schedule: billingSchedules, customer: customers, paymentMethod: agreements.paymentMethod })
    .from(billingSchedules)
    .innerJoin(customers, eq(customers.id, billingSchedules.customerId))
    .innerJoin(agreements, eq(agreements.id, billingSchedules.agreementId))
    .where(eq(billingSchedules.id, c.scheduleId));
  if (!row) return null;
  const locale = buyerLocale(row.customer.preferredLanguage);
  const address = row.customer.email?.trim() || null;
  const skipReason = !enabled ? 'turned off in Settings' : !address ? 'the customer has no email address' : !deps.mailer ? 'no SMTP server is configured (SMTP_URL)' : null;
  // The claim: one row per (schedule, period, kind), whoever gets here first; a skip is on the timeline with it.
  const claim = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(scheduleEmails)
      .values({ scheduleId: c.scheduleId, periodNumber: c.periodNumber, kind: c.kind, status: skipReason ? 'skipped' : 'sending', toAddress: address, locale, error: skipReason, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: scheduleEmails.id });
    if (row && skipReason) await recordScheduleEvents(tx, [emailEvent(c, 'email_skipped', `${EMAIL_WORDS[c.kind]} for period ${c.periodNumber + 1} not emailed: ${skipReason}.`, now)]);
    return row;
  });
  if (!claim) return null;
  if (skipReason || !address || !deps.mailer) return 'skipped';

  const [period] = c.kind === 'reminder' ? [] : await db.select().from(schedulePeriods).where(and(eq(schedulePeriods.scheduleId, c.scheduleId), eq(schedulePeriods.periodNumber, c.periodNumber)));
  const t = buyerTranslator(locale);
  const wallet = isPaymentMethodCode(row.paymentMethod) ? (getPaymentMethod(row.paymentMethod)?.nameEn ?? row.paymentMethod) : row.paymentMethod;
  const manageToken = await manageTokenFor(db, row.schedule);
  const content = await compose(deps, { t, locale, merchant, wallet, schedule: row.schedule, name: row.customer.name, period, kind: c.kind, manageToken });
  try {
    const sent = await deps.mailer.send({
      to: address,
      subject: content.subject,
      text: content.text,
      language: locale,
      messageId: `<${c.scheduleId}.${c.periodNumber}.${c.kind}@daikou.local>`,
      headers: { 'X-Daikou-Email': c.kind, 'X-Daikou-Schedule': c.scheduleId },
    });
    await db.transaction(async (tx) => {
      await tx.update(scheduleEmails).set({ status: 'sent', subject: content.subject, messageId: sent.messageId, sentAt: now }).where(eq(scheduleEmails.id, claim.id));
      await recordScheduleEvents(tx, [emailEvent(c, 'email_sent', `${EMAIL_WORDS[c.kind]} for period ${c.periodNumber + 1} emailed to the buyer.`, now)]);
    });
    return 'sent';
  } catch (error) {
    const why = errorLine(error).slice(0, 500);
    await db.transaction(async (tx) => {
      await tx.update(scheduleEmails).set({ status: 'failed', subject: content.subject, error: why }).where(eq(scheduleEmails.id, claim.id));
      await recordScheduleEvents(tx, [emailEvent(c, 'email_failed', `${EMAIL_WORDS[c.kind]} for period ${c.periodNumber + 1} could not be emailed: the mail server refused it (${why.slice(0, 200)}). It is not sent again.`, now)]);
    });
    return 'failed';
  }
}

/** What each kind of message is, in the timeline's words. */
const EMAIL_WORDS: Record<EmailKind, string> = { reminder: 'Upcoming-charge reminder', receipt: 'Receipt', payment_failed: 'Failed-payment email' };

function emailEvent(c: Candidate, type: 'email_sent' | 'email_skipped' | 'email_failed', message: string, at: Date): ScheduleEventInput {
  return { scheduleId: c.scheduleId, periodNumber: c.periodNumber, type, message, detail: { kind: c.kind }, at };
}

/** A link the buyer can open the manage page with: the schedule's own link, else the customer's newest one. */
async function manageTokenFor(db: Db, schedule: BillingSchedule): Promise<string | null> {
  if (schedule.linkId) {
    const [own] = await db.select({ token: authorizationLinks.token, status: authorizationLinks.status }).from(authorizationLinks).where(eq(authorizationLinks.id, schedule.linkId));
    if (own && own.status !== 'REVOKED') return own.token;
  }
  const [latest] = await db
    .select({ token: authorizationLinks.token })
    .from(authorizationLinks)
    .where(and(eq(authorizationLinks.customerId, schedule.customerId), ne(authorizationLinks.status, 'REVOKED')))
    .orderBy(desc(authorizationLinks.createdAt))
    .limit(1);
  return latest?.token ?? null;
}

interface ComposeInput {
  t: BuyerTranslate;
  locale: string;
  merchant: string;
  wallet: string;
  name: string;
  schedule: BillingSchedule;
  period: SchedulePeriod | undefined;
  kind: EmailKind;
  manageToken: string | null;
}

async function compose(deps: ScheduleEmailDeps, m: ComposeInput): Promise<{ subject: string; text: string }> {
  const { t, locale, merchant, wallet, schedule, period } = m;
  const base = deps.appUrl.replace(/\/$/, '');
  const date = (instant: Date) => longDateAt(instant, schedule.timeZone, locale);
  const common = { merchant, wallet, description: schedule.description };
  const lines: string[] = [t('email.greeting', { name: m.name }), ''];
  let subject: string;
  if (m.kind === 'reminder') {
    const amount = planAmount(schedule, locale);
    const when = date(schedule.nextDueAt ?? deps.now);
    subject = t('email.reminderSubject', { merchant, amount, date: when });
    lines.push(t('email.reminderBody', { ...common, amount, date: when }));
  } else if (m.kind === 'receipt') {
    const amount = planAmount(period ?? schedule, locale);
    const [paid] = period?.intentId
      ? await deps.db.select({ ref: payments.paymentRequestId, at: payments.updatedAt }).from(payments).where(and(eq(payments.intentId, period.intentId), eq(payments.status, 'SUCCEEDED'))).limit(1)
      : [];
    subject = t('email.receiptSubject', { merchant, amount });
    lines.push(t('email.receiptBody', { ...common, amount, date: date(period?.updatedAt ?? deps.now), reference: paid?.ref ?? period?.businessKey ?? '' }));
  } else {
    const amount = planAmount(period ?? schedule, locale);
    subject = t('email.failedSubject', { merchant, amount });
    lines.push(t('email.failedBody', { ...common, amount, date: date(period?.dueAt ?? deps.now) }), '');
    if (declineKind(period?.lastFailureCode) === 'soft') {
      lines.push(period?.status === 'retrying' && period.nextRetryAt ? t('email.failedSoft', { ...common, retryDate: date(period.nextRetryAt) }) : t('email.failedSoftLast', common));
    } else {
      const token = await freshLinkFor(deps, schedule);
      lines.push(token ? t('email.failedHard', { ...common, url: `${base}/authorize/${token}?lang=${locale}` }) : t('email.failedHardNoLink', common));
    }
  }
  if (m.manageToken) lines.push('', t('email.manage', { url: `${base}/authorize/${m.manageToken}/manage?lang=${locale}` }));
  lines.push('', '—', t('email.footer', { merchant }));
  return { subject, text: lines.join('\n') };
}

/**
 * After a hard decline (the authorization can no longer be used): a fresh authorization link carrying the rest of
 * the plan from today, so agreeing again continues it on the new agreement. The old schedule is already stopped
 * (UNPAID) or paused by its ended agreement, so the two never both bill.
 */
async function freshLinkFor(deps: ScheduleEmailDeps, schedule: BillingSchedule): Promise<string | null> {
  const remaining = schedule.maxPeriods === null ? null : schedule.maxPeriods - schedule.nextPeriod;
  if (remaining !== null && remaining <= 0) return null;
  const plan: LinkPlan = {
    amountMinor: schedule.amountMinor.toString(),
    currency: schedule.currency,
    description: schedule.description,
    intervalUnit: schedule.intervalUnit,
    intervalCount: schedule.intervalCount,
    anchorDay: schedule.anchorDay,
    startDate: formatLocalDate(localDateAt(deps.now, schedule.timeZone)),
    endDate: schedule.endDate,
    maxPeriods: remaining,
    timeZone: schedule.timeZone,
  };
  const token = randomBytes(24).toString('base64url');
  await deps.db.insert(authorizationLinks).values({ token, customerId: schedule.customerId, expiresAt: new Date(deps.now.getTime() + FRESH_LINK_HOURS * 3_600_000), plan, createdAt: deps.now });
  return token;
}

/** A schedule's buyer emails, oldest first (the schedule page). */
export async function listScheduleEmails(db: Db, scheduleId: string, limit = 200): Promise<ScheduleEmail[]> {
  return db.select().from(scheduleEmails).where(eq(scheduleEmails.scheduleId, scheduleId)).orderBy(asc(scheduleEmails.createdAt)).limit(limit);
}
