import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeAgreement } from '@/lib/agreements/revoke-agreement';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { agreements, auditLog, billingSchedules, chargeIntents, merchantSettings, payments, scheduleEvents, schedulePeriods, type BillingSchedule } from '@/lib/db/schema';
import { charge } from '@/lib/payments/charge';
import type { PaymentDeps } from '@/lib/payments/payment-deps';
import { checkScheduleDraft, createSchedule, type ScheduleDraft } from '@/lib/schedules/create-schedule';
import { cancelSchedule, changeScheduleAmount, pauseSchedule, resumeSchedule } from '@/lib/schedules/manage-schedule';
import { claimDueWork, runBilling, type BillingDeps } from '@/lib/schedules/run-billing';
import { periodBusinessKey } from '@/lib/schedules/schedule-spec';
import { getDunningSettings, updateDunningSettings } from '@/lib/schedules/update-dunning-settings';
import { startPaymentWorld, type LedgerEntry, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

let world: PaymentWorld;
/** Daikou's clock in these tests: moved by hand, like the simulator's business dates. */
let clock = new Date('2027-10-15T02:00:00Z');
const at = (iso: string) => (clock = new Date(iso));

function deps(overrides: Partial<PaymentDeps> = {}): BillingDeps {
  return { ...world.deps(overrides), billingNow: () => clock };
}

/** An ACTIVE agreement whose token outlives the moved clock (the simulator keeps its own, real-time clock). */
async function agreement(wallet = 'GCASH', account?: string): Promise<string> {
  const id = await world.activeAgreement(wallet, account);
  await world.database.db.update(agreements).set({ accessTokenExpiresAt: new Date('2040-01-01T00:00:00Z') }).where(eq(agreements.id, id));
  return id;
}

async function schedule(agreementId: string, draft: Partial<ScheduleDraft> = {}): Promise<BillingSchedule> {
  const made = await createSchedule(world.database.db, world.admin, { agreementId, amount: '499.00', description: 'Monthly box', intervalUnit: 'month', intervalCount: 1, startDate: '2027-11-01', ...draft }, clock);
  if (!made.ok) throw new Error(made.error);
  return made.data;
}

async function ledger(): Promise<LedgerEntry[]> {
  return (await world.sim.control<{ entries: LedgerEntry[] }>('/simulator/ledger')).entries;
}

/** Debits in the simulator's ledger per business key of a schedule's periods, from the attempts the DB holds. */
async function debitsByPeriod(scheduleId: string): Promise<Map<string, number>> {
  const rows = await world.database.db
    .select({ key: chargeIntents.businessKey, prid: payments.paymentRequestId })
    .from(payments)
    .innerJoin(chargeIntents, eq(chargeIntents.id, payments.intentId))
    .where(like(chargeIntents.businessKey, `sch_${scheduleId}_%`));
  const entries = await ledger();
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.key, (out.get(r.key) ?? 0) + entries.filter((e) => e.kind === 'DEBIT' && e.paymentRequestId === r.prid).length);
  return out;
}

async function load(id: string): Promise<BillingSchedule> {
  const [row] = await world.database.db.select().from(billingSchedules).where(eq(billingSchedules.id, id));
  return row!;
}

async function timeline(id: string): Promise<{ type: string; message: string }[]> {
  return world.database.db.select({ type: scheduleEvents.type, message: scheduleEvents.message }).from(scheduleEvents).where(eq(scheduleEvents.scheduleId, id)).orderBy(asc(scheduleEvents.seq));
}

describe(`billing schedules (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    world = await startPaymentWorld();
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('bad input gets a clear answer and writes nothing', async () => {
    at('2027-10-15T02:00:00Z');
    const id = await agreement();
    const base: ScheduleDraft = { agreementId: id, amount: '499.00', description: 'Plan', intervalUnit: 'month', intervalCount: 1, startDate: '2027-11-01' };
    const cases: [Partial<ScheduleDraft>, string][] = [
      [{ amount: '0.50' }, 'amount_invalid'],
      [{ amount: '1.234' }, 'amount_invalid'],
      [{ anchorDay: 32 }, 'calendar_invalid'],
      [{ startDate: '2027-02-30' }, 'calendar_invalid'],
      [{ endDate: '2027-10-31' }, 'calendar_invalid'],
      [{ startDate: '2027-10-01' }, 'calendar_invalid'],
      [{ currency: 'USD' }, 'currency_mismatch'],
      [{ intervalUnit: 'fortnight' }, 'calendar_invalid'],
      [{ timeZone: 'Mars/Olympus' }, 'calendar_invalid'],
      [{ agreementId: randomUUID() }, 'agreement_not_found'],
    ];
    for (const [change, code] of cases) {
      const r = await createSchedule(world.database.db, world.admin, { ...base, ...change }, clock);
      expect(r, JSON.stringify(change)).toMatchObject({ ok: false, code });
      if (!r.ok) expect(r.error.length).toBeGreaterThan(10);
    }
    const revoked = await agreement();
    await revokeAgreement({ db: world.database.db, alipay: world.alipay, vault: world.vault, enqueue: async () => {}, returnUrl: 'http://localhost/x' } as never, { agreementId: revoked, by: { kind: 'staff', actor: world.admin } } as never);
    expect(await createSchedule(world.database.db, world.admin, { ...base, agreementId: revoked }, clock)).toMatchObject({ ok: false, code: 'agreement_not_active' });
    expect(await world.database.db.select().from(billingSchedules).where(inArray(billingSchedules.agreementId, [id, revoked]))).toHaveLength(0);
    // The preview: the next five dates, anchored on the 31st.
    const preview = await checkScheduleDraft(world.database.db, { ...base, anchorDay: 31 }, clock);
    expect(preview.ok && preview.data.preview.map((p) => p.date)).toEqual(['2027-11-30', '2027-12-31', '2028-01-31', '2028-02-29', '2028-03-31']);
  });

  it('anchored on the 31st: twelve monthly periods across a leap February, one debit each on the right date', async () => {
    at('2027-10-15T02:00:00Z');
    const agreementIds = await Promise.all(Array.from({ length: 5 }, () => agreement()));
    const schedules = [];
    for (const id of agreementIds) schedules.push(await schedule(id, { anchorDay: 31, maxPeriods: 12 }));
    const expected = ['2027-11-30', '2027-12-31', '2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30', '2028-05-31', '2028-06-30', '2028-07-31', '2028-08-31', '2028-09-30', '2028-10-31'];
    for (const date of expected) {
      // Shanghai midnight is 16:00 UTC the day before: just before it nothing is due, just after each is charged.
      at(new Date(Date.parse(`${date}T00:00:00+08:00`) - 60_000).toISOString());
      expect((await runBilling(deps())).started).toBe(0);
      at(new Date(Date.parse(`${date}T00:00:00+08:00`) + 60_000).toISOString());
      const stats = await runBilling(deps());
      expect(stats).toMatchObject({ started: 5, paid: 5 });
    }
    at('2028-12-31T00:00:00Z');
    expect((await runBilling(deps())).started).toBe(0);
    for (const s of schedules) {
      const debits = await debitsByPeriod(s.id);
      expect([...debits.values()]).toEqual(Array(12).fill(1));
      const periods = await world.database.db.select().from(schedulePeriods).where(eq(schedulePeriods.scheduleId, s.id)).orderBy(asc(schedulePeriods.periodNumber));
      expect(periods.map((p) => new Date(p.dueAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10))).toEqual(expected);
      expect((await load(s.id)).status).toBe('COMPLETED');
    }
  }, 300_000);

  it('two concurrent runs charge each due period once (simulator ledger = database)', async () => {
    at('2027-10-15T02:00:00Z');
    const made = [];
    for (let i = 0; i < 30; i++) made.push(await schedule(await agreement(), { intervalUnit: 'week', startDate: '2027-10-16', maxPeriods: 1 }));
    at('2027-10-16T01:00:00Z');
    const calls = world.payCalls();
    const [a, b] = await Promise.all([runBilling(deps(), { batchSize: 7, concurrency: 4 }), runBilling(deps(), { batchSize: 7, concurrency: 4 })]);
    expect(a.started + b.started).toBe(30);
    expect(world.payCalls() - calls).toBe(30);
    for (const s of made) expect([...(await debitsByPeriod(s.id)).values()]).toEqual([1]);
    const succeeded = await world.database.db.select({ n: sql<number>`count(*)::int` }).from(payments).innerJoin(chargeIntents, eq(chargeIntents.id, payments.intentId)).where(and(inArray(chargeIntents.businessKey, made.map((s) => periodBusinessKey(s.id, 0))), eq(payments.status, 'SUCCEEDED')));
    expect(succeeded[0]!.n).toBe(30);
  }, 180_000);

  it('a worker killed mid-run: claimed periods are charged once by the next run, paid ones are not charged again', async () => {
    at('2027-10-15T02:00:00Z');
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await schedule(await agreement(), { intervalUnit: 'day', startDate: '2027-10-20', maxPeriods: 1 }));
    at('2027-10-20T01:00:00Z');
    // The killed worker: it claimed a batch (committed) and charged a few of them, then died before settling.
    const claimed = await claimDueWork(deps(), 8);
    expect(claimed).toHaveLength(8);
    for (const c of claimed.slice(0, 3)) {
      await charge(deps(), { agreementId: c.agreementId, amountMinor: c.period.amountMinor, currency: c.period.currency, description: c.description, referenceOrderId: c.period.businessKey, initiator: { kind: 'schedule' } });
    }
    const calls = world.payCalls();
    at('2027-10-20T01:05:00Z');
    const stats = await runBilling(deps());
    expect(stats.started).toBe(4);
    // 5 claimed-but-never-charged + 4 new; the 3 charged before the crash are settled without a pay.
    expect(world.payCalls() - calls).toBe(9);
    for (const s of made) expect([...(await debitsByPeriod(s.id)).values()]).toEqual([1]);
    const periods = await world.database.db.select().from(schedulePeriods).where(inArray(schedulePeriods.scheduleId, made.map((s) => s.id)));
    expect(periods.map((p) => p.status)).toEqual(Array(12).fill('paid'));
  }, 180_000);

  it('after downtime only the latest missed period is charged, unless the schedule catches up', async () => {
    at('2027-10-15T02:00:00Z');
    const plain = await schedule(await agreement(), { intervalUnit: 'day', startDate: '2027-11-01', amount: '10.00' });
    const catchUp = await schedule(await agreement(), { intervalUnit: 'day', startDate: '2027-11-01', amount: '10.00', catchUp: true });
    at('2027-11-05T12:00:00Z'); // down since before 1 November: 5 periods (1–5 Nov) are due
    await runBilling(deps());
    expect([...(await debitsByPeriod(plain.id)).keys()]).toEqual([periodBusinessKey(plain.id, 4)]);
    expect((await timeline(plain.id)).some((e) => e.type === 'periods_skipped' && e.message.startsWith('4 period(s)'))).toBe(true);
    expect([...(await debitsByPeriod(catchUp.id)).values()]).toEqual([1, 1, 1, 1, 1]);
    expect((await load(plain.id)).nextPeriod).toBe(5);
    for (const s of [plain, catchUp]) expect((await cancelSchedule(world.database.db, world.admin, s.id, 'now', clock)).ok).toBe(true);
  }, 120_000);

  it('pause, resume without back-billing, amount change from the next period', async () => {
    at('2027-10-15T02:00:00Z');
    const s = await schedule(await agreement(), { intervalUnit: 'day', startDate: '2027-12-01', amount: '10.00' });
    at('2027-12-01T01:00:00Z');
    await runBilling(deps());
    expect((await pauseSchedule(world.database.db, world.admin, s.id, 'customer on holiday', clock)).ok).toBe(true);
    expect(await pauseSchedule(world.database.db, world.admin, s.id, null, clock)).toMatchObject({ ok: false, code: 'not_allowed' });
    at('2027-12-04T01:00:00Z');
    await runBilling(deps());
    expect(await world.database.db.select().from(schedulePeriods).where(eq(schedulePeriods.scheduleId, s.id))).toHaveLength(1);
    expect(await resumeSchedule(world.database.db, world.admin, s.id, {}, clock)).toMatchObject({ ok: true, data: { status: 'ACTIVE', nextPeriod: 4 } });
    expect((await changeScheduleAmount(world.database.db, world.admin, s.id, '12.00', clock)).ok).toBe(true);
    at('2027-12-05T01:00:00Z');
    await runBilling(deps());
    const periods = await world.database.db.select().from(schedulePeriods).where(eq(schedulePeriods.scheduleId, s.id)).orderBy(asc(schedulePeriods.periodNumber));
    expect(periods.map((p) => [p.periodNumber, p.amountMinor])).toEqual([[0, 1000n], [4, 1200n]]);
    expect((await timeline(s.id)).map((e) => e.type)).toEqual(expect.arrayContaining(['paused', 'resumed', 'amount_changed']));
    expect((await cancelSchedule(world.database.db, world.admin, s.id, 'now', clock)).ok).toBe(true);
    const audited = await world.database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.objectId, s.id)).orderBy(asc(auditLog.id));
    expect(audited.map((a) => a.action)).toEqual(['schedule.create', 'schedule.pause', 'schedule.resume', 'schedule.change_amount', 'schedule.cancel']);
    expect(await pauseSchedule(world.database.db, world.admin, s.id, null, clock)).toMatchObject({ ok: false, code: 'not_allowed', error: 'A canceled schedule cannot be paused.' });
  }, 120_000);

  it('a low-balance buyer walks the ladder (retries on days 1, 3, 5, 7) to PAST_DUE, then pays again after topping up', async () => {
    at('2027-10-15T02:00:00Z');
    const s = await schedule(await agreement('GCASH', 'low-balance'), { intervalUnit: 'month', startDate: '2027-11-10', amount: '20.00' });
    const tries: string[] = [];
    // Run the billing every six hours for three weeks: the ladder decides when a try happens.
    for (let t = Date.parse('2027-11-09T12:00:00Z'); t < Date.parse('2027-11-30T00:00:00Z'); t += 6 * 3_600_000) {
      at(new Date(t).toISOString());
      const before = world.payCalls();
      await runBilling(deps());
      if (world.payCalls() > before) tries.push(new Date(t + 8 * 3_600_000).toISOString().slice(0, 10));
    }
    expect(tries).toEqual(['2027-11-10', '2027-11-11', '2027-11-13', '2027-11-15', '2027-11-17']);
    const after = await load(s.id);
    expect(after.status).toBe('PAST_DUE');
    expect(after.statusReason).toContain('balance is too low');
    const events = await timeline(s.id);
    expect(events.filter((e) => e.type === 'retry_scheduled')).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: 'past_due' });
    expect([...(await debitsByPeriod(s.id)).values()]).toEqual([0]);

    await world.sim.control('/simulator/balances/top-up', { wallet: 'GCASH', account: 'low-balance', amountMinor: '100000' });
    at('2027-12-10T01:00:00Z');
    await runBilling(deps());
    expect(await load(s.id)).toMatchObject({ status: 'ACTIVE', statusReason: null });
    expect((await timeline(s.id)).at(-1)).toMatchObject({ type: 'recovered' });
  }, 180_000);

  it('after the ladder UNPAID stops billing when the merchant says so', async () => {
    expect(await updateDunningSettings(world.database.db, world.admin, { ladder: '2, 2', afterLadder: 'UNPAID' })).toMatchObject({ ok: false, code: 'ladder_invalid' });
    expect(await updateDunningSettings(world.database.db, world.admin, { ladder: '2', afterLadder: 'GONE' })).toMatchObject({ ok: false, code: 'after_ladder_invalid' });
    expect(await getDunningSettings(world.database.db)).toEqual({ ladderDays: [1, 3, 5, 7], afterLadder: 'PAST_DUE' });
    expect(await updateDunningSettings(world.database.db, world.admin, { ladder: '2', afterLadder: 'UNPAID' })).toMatchObject({ ok: true });
    const [audit] = await world.database.db.select().from(auditLog).where(eq(auditLog.action, 'settings.dunning'));
    expect(audit).toMatchObject({ after: { ladderDays: [2], afterLadder: 'UNPAID' } });
    try {
      at('2027-10-15T02:00:00Z');
      const s = await schedule(await agreement('GCASH', 'risk-rejected'), { intervalUnit: 'month', startDate: '2027-11-10', amount: '20.00' });
      for (const iso of ['2027-11-10T01:00:00Z', '2027-11-11T01:00:00Z', '2027-11-12T01:00:00Z', '2027-12-11T01:00:00Z']) {
        at(iso);
        await runBilling(deps());
      }
      expect((await load(s.id)).status).toBe('UNPAID');
      const periods = await world.database.db.select().from(schedulePeriods).where(eq(schedulePeriods.scheduleId, s.id));
      expect(periods.map((p) => [p.periodNumber, p.status, p.tries])).toEqual([[0, 'failed', 2]]);
    } finally {
      await world.database.db.update(merchantSettings).set({ dunningLadderDays: [1, 3, 5, 7], dunningAfterLadder: 'PAST_DUE' }).where(eq(merchantSettings.id, 1));
    }
  }, 120_000);

  it('a hard decline stops at once; a revoked agreement pauses its schedule with no pay call', async () => {
    at('2027-10-15T02:00:00Z');
    const walletRevoked = await agreement();
    const s1 = await schedule(walletRevoked, { intervalUnit: 'month', startDate: '2027-11-10', amount: '20.00' });
    // Revoked in the wallet, unknown to Daikou: the pay answers INVALID_ACCESS_TOKEN, a hard decline.
    const [row] = await world.database.db.select().from(agreements).where(eq(agreements.id, walletRevoked));
    const accessToken = world.vault.open(row!.accessTokenCiphertext!, agreementTokenAad(walletRevoked, 'access_token', row!.tokenKeyVersion ?? 1));
    await world.sim.control('/simulator/authorizations/revoke', { accessToken });
    at('2027-11-10T01:00:00Z');
    await runBilling(deps());
    const after = await load(s1.id);
    expect(after.status).toBe('PAUSED');
    expect(after.statusReason).toContain('invalid');
    const [p] = await world.database.db.select().from(schedulePeriods).where(eq(schedulePeriods.scheduleId, s1.id));
    expect(p).toMatchObject({ status: 'failed', nextRetryAt: null });
    expect((await timeline(s1.id)).map((e) => e.type)).toContain('hard_declined');

    at('2027-10-15T02:00:00Z');
    const staffRevoked = await agreement();
    const s2 = await schedule(staffRevoked, { intervalUnit: 'month', startDate: '2027-11-10', amount: '20.00' });
    await revokeAgreement({ db: world.database.db, alipay: world.alipay, vault: world.vault, enqueue: async () => {}, returnUrl: 'http://localhost/x' } as never, { agreementId: staffRevoked, by: { kind: 'staff', actor: world.admin } } as never);
    expect(await load(s2.id)).toMatchObject({ status: 'PAUSED' });
    const calls = world.payCalls();
    at('2027-11-12T01:00:00Z');
    await runBilling(deps());
    expect(world.payCalls()).toBe(calls);
    expect(await resumeSchedule(world.database.db, world.admin, s2.id, {}, clock)).toMatchObject({ ok: false, code: 'agreement_not_active' });
  }, 120_000);
});
