import { randomBytes } from 'node:crypto';
import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import { completeAuthorizationReturn } from '@/lib/agreements/complete-authorization-return';
import { startAuthorization } from '@/lib/agreements/start-authorization';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { createAuthorizationLink } from '@/lib/customers/create-authorization-link';
import { agreements, auditLog, authorizationLinks, billingSchedules, customers, scheduleEmails, scheduleEvents, schedulePeriods } from '@/lib/db/schema';
import { smtpMailer, type Mailer } from '@/lib/mail/mailer';
import { createSchedule } from '@/lib/schedules/create-schedule';
import { runBilling, type BillingDeps } from '@/lib/schedules/run-billing';
import { sendScheduleEmails } from '@/lib/schedules/schedule-emails';
import { getScheduleEmailSettings, updateScheduleEmailSettings } from '@/lib/schedules/update-email-settings';
import type { SinkMessage } from '@/lib/simulator/smtp-sink';
import { startPaymentWorld, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

/**
 * Issue 22 points 5 and 6 against the simulator with its clock advanced (POST /simulator/clock/advance) and
 * Daikou's billing clock moved the same way (it reads the simulator's clock): a plan on an authorization link
 * becomes a schedule once when the buyer agrees; a low-balance buyer gets the reminder, then the failed-payment
 * email in their language, then the receipt after topping up — read from the simulator's SMTP sink.
 */

let world: PaymentWorld;
let mailer: Mailer;
const APP_URL = 'http://localhost:3000';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function simNow(): Promise<Date> {
  return new Date((await world.sim.control<{ now: number }>('/simulator/clock')).now);
}

async function advance(ms: number): Promise<Date> {
  return new Date((await world.sim.control<{ now: number }>('/simulator/clock/advance', { ms: Math.ceil(ms) })).now);
}

/** Daikou's billing and email clock: the simulator's. The pay requests keep real time (Request-Time, expiry). */
function billing(now: Date): BillingDeps {
  return { ...world.deps(), billingNow: () => now };
}

async function mail(): Promise<SinkMessage[]> {
  return (await world.sim.control<{ messages: SinkMessage[] }>('/simulator/mail/messages')).messages;
}

async function emails(now: Date) {
  return sendScheduleEmails({ db: world.database.db, mailer, now, appUrl: APP_URL });
}

function agreementDeps(): AgreementDeps {
  return { db: world.database.db, alipay: world.sim.alipay, vault: world.vault, returnUrl: `${APP_URL}/authorize/return` };
}

/** The buyer opens the link, picks GCash, agrees in the wallet with a test account, and comes back. */
async function agreeThroughLink(token: string, account: string): Promise<{ agreementId: string; replay: () => Promise<unknown> }> {
  const buyer = randomBytes(16).toString('hex');
  const started = await startAuthorization(agreementDeps(), { linkToken: token, paymentMethod: 'GCASH', buyerBinding: buyer, terminal: { terminalType: 'WEB' } });
  if (!started.ok) throw new Error(`${started.code}: ${started.error}`);
  const decision = await world.sim.control<{ authCode: string; authState: string }>('/simulator/authorizations/approve', { url: started.data.redirectUrl, account });
  const done = await completeAuthorizationReturn(agreementDeps(), { authState: decision.authState, authCode: decision.authCode, buyerBinding: buyer });
  if (!done.ok) throw new Error('authorization failed');
  return {
    agreementId: started.data.agreementId,
    replay: () => completeAuthorizationReturn(agreementDeps(), { authState: decision.authState, authCode: decision.authCode, buyerBinding: buyer }),
  };
}

/** A local YYYY-MM-DD in Asia/Shanghai (the plan's zone), `days` after `from`. */
function shanghaiDate(from: Date, days: number): string {
  return new Date(from.getTime() + days * DAY + 8 * HOUR).toISOString().slice(0, 10);
}

describe(`schedule plans and emails (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    world = await startPaymentWorld({ smtp: true });
    const port = world.sim.simulator.smtp!.port;
    mailer = smtpMailer(`smtp://127.0.0.1:${port}`, 'Sari-Sari Online <billing@sari-sari.test>');
    await world.database.db.update(customers).set({ email: 'maria@example.test', preferredLanguage: 'ja' }).where(eq(customers.id, world.customerId));
  }, 120_000);
  afterAll(async () => {
    mailer?.close();
    await world?.close();
  });

  it('a plan on the link: bad plans make no link; agreeing makes its schedule once', async () => {
    const now = await simNow();
    const base = { amount: '20.00', currency: 'PHP', description: 'Sari-Sari box', intervalUnit: 'month', intervalCount: 1, startDate: shanghaiDate(now, 4) };
    for (const [change, field] of [
      [{ amount: '0.001' }, 'amount'],
      [{ currency: 'XXX' }, 'currency'],
      [{ startDate: shanghaiDate(now, -2) }, 'startDate'],
      [{ anchorDay: 32 }, 'anchorDay'],
      [{ description: ' ' }, 'description'],
    ] as const) {
      const r = await createAuthorizationLink(world.database.db, world.admin, { customerId: world.customerId, expiresInHours: 1, plan: { ...base, ...change } }, now);
      expect(r, JSON.stringify(change)).toMatchObject({ ok: false, code: 'plan_invalid', fieldErrors: { [field]: [expect.any(String)] } });
    }
    const link = await createAuthorizationLink(world.database.db, world.admin, { customerId: world.customerId, expiresInHours: 1, plan: base }, now);
    if (!link.ok) throw new Error(link.error);
    expect(link.data.plan).toMatchObject({ amountMinor: '2000', currency: 'PHP', intervalUnit: 'month', startDate: base.startDate, timeZone: 'Asia/Shanghai' });
    // Only the wallets of the plan's currency may start (KakaoPay pays in KRW).
    const kakao = await startAuthorization(agreementDeps(), { linkToken: link.data.token, paymentMethod: 'KAKAOPAY', buyerBinding: 'b', terminal: { terminalType: 'WEB' } });
    expect(kakao).toMatchObject({ ok: false, code: 'method_not_offered' });
    const { agreementId, replay } = await agreeThroughLink(link.data.token, 'low-balance');
    await replay();
    const made = await world.database.db.select().from(billingSchedules).where(eq(billingSchedules.linkId, link.data.id));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ agreementId, status: 'ACTIVE', amountMinor: 2000n, currency: 'PHP', startDate: base.startDate, description: 'Sari-Sari box' });
    const [used] = await world.database.db.select({ status: authorizationLinks.status }).from(authorizationLinks).where(eq(authorizationLinks.id, link.data.id));
    expect(used?.status).toBe('USED');
  }, 120_000);

  it('a low-balance buyer: reminder, then the failed-payment email in Japanese, then the receipt after a top-up (simulator clock advanced)', async () => {
    await world.sim.control('/simulator/mail/clear', {});
    const [schedule] = await world.database.db.select().from(billingSchedules).where(eq(billingSchedules.customerId, world.customerId));
    if (!schedule?.nextDueAt) throw new Error('no schedule from the previous test');
    // The simulator keeps its own clock; Daikou's agreement must outlive the days it is moved.
    await world.database.db.update(agreements).set({ accessTokenExpiresAt: new Date('2040-01-01T00:00:00Z') }).where(eq(agreements.id, schedule.agreementId));
    const dueAt = schedule.nextDueAt;

    // Four days before the charge: nothing is due, no reminder yet (3 days before by default).
    let now = await simNow();
    expect(dueAt.getTime() - now.getTime()).toBeGreaterThan(3 * DAY);
    expect(await runBilling(billing(now))).toMatchObject({ started: 0 });
    expect(await emails(now)).toEqual({ sent: 0, skipped: 0, failed: 0 });

    // 2.5 days before: the reminder, once however often the job runs.
    now = await advance(dueAt.getTime() - 2.5 * DAY - now.getTime());
    expect(await emails(now)).toEqual({ sent: 1, skipped: 0, failed: 0 });
    expect(await emails(now)).toEqual({ sent: 0, skipped: 0, failed: 0 });
    let inbox = await mail();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ to: ['maria@example.test'], language: 'ja' });
    expect(inbox[0]!.subject).toMatch(/^Sari-Sari Online：.*₱20\.00.*お支払いいただきます$/);
    expect(inbox[0]!.text).toContain('ウォレットの残高が十分かご確認ください');
    expect(inbox[0]!.text).toMatch(new RegExp(`${APP_URL}/authorize/[A-Za-z0-9_-]+/manage\\?lang=ja`));

    // The due date: the low-balance wallet declines; the failed-payment message says to top up and when we retry.
    now = await advance(dueAt.getTime() + HOUR - now.getTime());
    const calls = world.payCalls();
    expect(await runBilling(billing(now))).toMatchObject({ started: 1, declined: 1 });
    expect(world.payCalls() - calls).toBe(1);
    const [period] = await world.database.db.select().from(schedulePeriods).where(eq(schedulePeriods.scheduleId, schedule.id));
    expect(period).toMatchObject({ status: 'retrying', tries: 1 });
    expect(await emails(now)).toEqual({ sent: 1, skipped: 0, failed: 0 });
    inbox = await mail();
    expect(inbox).toHaveLength(2);
    const failed = inbox[1]!;
    expect(failed.language).toBe('ja');
    expect(failed.subject).toBe('Sari-Sari Online：₱20.00のお支払いが完了しませんでした');
    expect(failed.text).toContain('引き落としは行われていません');
    expect(failed.text).toContain('GCash');
    expect(failed.text).toContain('残高をチャージ');
    const retryDate = new Intl.DateTimeFormat('ja', { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(period!.nextRetryAt!);
    expect(failed.text).toContain(`${retryDate}に再度請求します`);

    // The buyer tops up; the first retry of the ladder (1 day after the due date) pays, and the receipt follows.
    await world.sim.control('/simulator/balances/top-up', { wallet: 'GCASH', account: 'low-balance', amountMinor: '100000' });
    now = await advance(period!.nextRetryAt!.getTime() + HOUR - now.getTime());
    expect(await runBilling(billing(now))).toMatchObject({ retried: 1, paid: 1 });
    expect(await emails(now)).toEqual({ sent: 1, skipped: 0, failed: 0 });
    inbox = await mail();
    expect(inbox.map((m) => m.headers['x-daikou-email'])).toEqual(['reminder', 'payment_failed', 'receipt']);
    const receipt = inbox[2]!;
    expect(receipt.subject).toBe('Sari-Sari Online：₱20.00の領収書');
    expect(receipt.text).toContain('「Sari-Sari box」の代金として₱20.00をGCashから請求しました');

    // The simulator's mail page lists them for a person, with JavaScript off.
    const pageHtml = await (await fetch(`${world.sim.simulator.url}/simulator/mail`)).text();
    expect(pageHtml).toContain('Sari-Sari Online：₱20.00の領収書');

    // Exactly once per (schedule, period, kind), whatever runs again.
    await Promise.all([emails(now), emails(now)]);
    expect(await mail()).toHaveLength(3);
    const rows = await world.database.db.select().from(scheduleEmails).where(eq(scheduleEmails.scheduleId, schedule.id)).orderBy(asc(scheduleEmails.createdAt));
    expect(rows.map((r) => [r.periodNumber, r.kind, r.status, r.locale])).toEqual([
      [0, 'reminder', 'sent', 'ja'],
      [0, 'payment_failed', 'sent', 'ja'],
      [0, 'receipt', 'sent', 'ja'],
    ]);
    // Each message is a step on the schedule's timeline, saying which and why, once.
    const timeline = await world.database.db.select().from(scheduleEvents).where(and(eq(scheduleEvents.scheduleId, schedule.id), like(scheduleEvents.type, 'email_%'))).orderBy(asc(scheduleEvents.seq));
    expect(timeline.map((e) => [e.type, e.periodNumber, e.message, e.detail])).toEqual([
      ['email_sent', 0, 'Upcoming-charge reminder for period 1 emailed to the buyer.', { kind: 'reminder' }],
      ['email_sent', 0, 'Failed-payment email for period 1 emailed to the buyer.', { kind: 'payment_failed' }],
      ['email_sent', 0, 'Receipt for period 1 emailed to the buyer.', { kind: 'receipt' }],
    ]);
  }, 180_000);

  it('merchants turn each message off (admins, audited): a turned-off kind is recorded as skipped and never sent', async () => {
    expect(await updateScheduleEmailSettings(world.database.db, world.admin, { reminder: true, reminderDays: 0, receipt: true, failed: true })).toMatchObject({ ok: false, code: 'reminder_days_invalid' });
    expect(await updateScheduleEmailSettings(world.database.db, world.admin, { reminder: false, reminderDays: 5, receipt: true, failed: true })).toMatchObject({ ok: true });
    expect(await getScheduleEmailSettings(world.database.db)).toEqual({ reminder: false, reminderDays: 5, receipt: true, failed: true });
    const [audit] = await world.database.db.select().from(auditLog).where(eq(auditLog.action, 'settings.schedule_emails'));
    expect(audit).toMatchObject({ before: { reminder: true, reminderDays: 3 }, after: { reminder: false, reminderDays: 5 } });

    const [schedule] = await world.database.db.select().from(billingSchedules).where(eq(billingSchedules.customerId, world.customerId));
    // The next period is a month on: move within 5 days of it.
    let now = await simNow();
    now = await advance(schedule!.nextDueAt!.getTime() - 4 * DAY - now.getTime());
    const before = (await mail()).length;
    expect(await emails(now)).toEqual({ sent: 0, skipped: 1, failed: 0 });
    expect(await mail()).toHaveLength(before);
    const [row] = await world.database.db.select().from(scheduleEmails).where(and(eq(scheduleEmails.scheduleId, schedule!.id), eq(scheduleEmails.periodNumber, 1)));
    expect(row).toMatchObject({ kind: 'reminder', status: 'skipped', error: 'turned off in Settings' });
    const [skipped] = await world.database.db.select().from(scheduleEvents).where(and(eq(scheduleEvents.scheduleId, schedule!.id), eq(scheduleEvents.type, 'email_skipped')));
    expect(skipped).toMatchObject({ periodNumber: 1, message: 'Upcoming-charge reminder for period 2 not emailed: turned off in Settings.', detail: { kind: 'reminder' } });
    // Turned on again: the skipped one stays skipped.
    await updateScheduleEmailSettings(world.database.db, world.admin, { reminder: true, reminderDays: 5, receipt: true, failed: true });
    expect(await emails(now)).toEqual({ sent: 0, skipped: 0, failed: 0 });
  }, 120_000);

  it('a hard decline: the failed-payment email says to authorize again through a fresh link that carries the rest of the plan', async () => {
    let now = await simNow();
    const agreementId = await world.activeAgreement('GCASH');
    await world.database.db.update(agreements).set({ accessTokenExpiresAt: new Date('2040-01-01T00:00:00Z') }).where(eq(agreements.id, agreementId));
    const made = await createSchedule(world.database.db, world.admin, { agreementId, amount: '30.00', description: 'Weekly beans', intervalUnit: 'week', intervalCount: 1, startDate: shanghaiDate(now, 2), maxPeriods: 4 }, now);
    if (!made.ok) throw new Error(made.error);
    // Revoked in the wallet, unknown to Daikou: the pay answers INVALID_ACCESS_TOKEN, a hard decline.
    const [row] = await world.database.db.select().from(agreements).where(eq(agreements.id, agreementId));
    const accessToken = world.vault.open(row!.accessTokenCiphertext!, agreementTokenAad(agreementId, 'access_token', row!.tokenKeyVersion ?? 1));
    await world.sim.control('/simulator/authorizations/revoke', { accessToken });
    await world.sim.control('/simulator/mail/clear', {});
    now = await advance(made.data.nextDueAt!.getTime() + HOUR - now.getTime());
    await runBilling(billing(now));
    await emails(now);
    const failed = (await mail()).find((m) => m.headers['x-daikou-email'] === 'payment_failed');
    expect(failed?.text).toContain('GCashの承認は利用できなくなりました');
    const token = new RegExp(`${APP_URL}/authorize/([A-Za-z0-9_-]+)\\?lang=ja`).exec(failed!.text)?.[1];
    expect(token).toBeTruthy();
    const [fresh] = await world.database.db.select().from(authorizationLinks).where(eq(authorizationLinks.token, token!));
    expect(fresh).toMatchObject({ status: 'OPEN', customerId: world.customerId, plan: { amountMinor: '3000', intervalUnit: 'week', maxPeriods: 3, description: 'Weekly beans' } });
  }, 120_000);
});
