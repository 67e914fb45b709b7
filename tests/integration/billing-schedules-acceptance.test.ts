// Issue 22's acceptance at full size, on PGlite and PostgreSQL, against the simulator with its clock advanced
// (POST /simulator/clock/advance) and Daikou's billing clock moved by the same offset — so the simulator's ledger
// records each debit on the simulated day, and its tokens age as the months go by (Daikou's refresh sweep renews
// them on the moved clock, as the worker would). The pay requests themselves keep real time: Antom checks
// Request-Time and paymentExpiryTime against the moment of the call, not the business date.
//
// The simulator's clock only moves forward, so the tests run in calendar order on one world: twelve months of
// 2027–28, then the ladder, the revocation and the 1,000-period run in the months after.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { applyTokenCanceled } from '@/lib/agreements/apply-token-canceled';
import { refreshAgreementToken } from '@/lib/agreements/refresh-agreement-token';
import { refreshDueTokens } from '@/lib/agreements/refresh-due-tokens';
import { revokeAgreement } from '@/lib/agreements/revoke-agreement';
import type { AlipayClient } from '@/lib/alipay';
import { agreements, billingSchedules, payments, scheduleEvents, schedulePeriods, type BillingSchedule } from '@/lib/db/schema';
import { resolvePayment } from '@/lib/payments/resolve-payment';
import { OPEN_STATUSES } from '@/lib/payments/payment-deps';
import { createSchedule, type ScheduleDraft } from '@/lib/schedules/create-schedule';
import { cancelSchedule } from '@/lib/schedules/manage-schedule';
import { runBilling, type BillingDeps } from '@/lib/schedules/run-billing';
import { periodBusinessKey } from '@/lib/schedules/schedule-spec';
import { startPaymentWorld, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

let world: PaymentWorld;
/** The offset of both clocks from real time (the simulator's, as it reports it after each advance). */
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
/** Every agreement the tests made: the refresh sweep looks at them all, as the worker's would. */
const tracked = new Set<string>();

/** Moves the simulator's clock (control API) and Daikou's to `iso`, then runs Daikou's token refresh sweep there. */
async function moveTo(iso: string | Date): Promise<void> {
  const target = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  const ms = Math.floor(target - now().getTime());
  if (ms < 0) throw new Error(`the clock only moves forward: ${new Date(target).toISOString()} is behind ${now().toISOString()}`);
  const answer = await world.sim.control<{ offsetMs: number }>('/simulator/clock/advance', { ms });
  offsetMs = answer.offsetMs;
  await refreshSweep();
}

/** Daikou's refresh sweep on the moved clock; each queued job runs at once (their due time has passed). */
async function refreshSweep(): Promise<void> {
  const queued: string[] = [];
  await refreshDueTokens(world.database.db, async (_name, data) => void queued.push((data as { agreementId: string }).agreementId), now());
  const deps = { db: world.database.db, alipay: world.alipay, vault: world.vault, returnUrl: 'http://localhost/authorize/return', now };
  for (const id of queued) {
    const r = await refreshAgreementToken(deps, id);
    if (r.kind !== 'refreshed' && r.kind !== 'not_due' && r.kind !== 'busy') throw new Error(`refresh of ${id}: ${JSON.stringify(r)}`);
  }
}

function deps(alipay: Pick<AlipayClient, 'pay' | 'inquiryPayment' | 'cancel' | 'serialize' | 'request' | 'worstCaseCallMs'> = world.alipay): BillingDeps {
  return { ...world.deps({ alipay }), billingNow: now };
}

async function agreement(account?: string): Promise<string> {
  const id = await world.activeAgreement('GCASH', account);
  tracked.add(id);
  return id;
}

async function schedule(agreementId: string, draft: Partial<ScheduleDraft>): Promise<BillingSchedule> {
  const made = await createSchedule(world.database.db, world.admin, { agreementId, amount: '499.00', description: 'Monthly box', intervalUnit: 'month', intervalCount: 1, startDate: '2027-11-01', ...draft }, now());
  if (!made.ok) throw new Error(made.error);
  return made.data;
}

interface SimPayment {
  paymentRequestId: string;
  referenceOrderId: string;
  status: string;
}
interface SimLedgerEntry {
  kind: string;
  at: number;
  paymentRequestId: string;
}

/** From the simulator alone: its DEBIT entries per order reference (= the period's business key). */
async function simDebits(): Promise<Map<string, number[]>> {
  const [{ payments: sent }, { entries }] = await Promise.all([
    world.sim.control<{ payments: SimPayment[] }>('/simulator/payments'),
    world.sim.control<{ entries: SimLedgerEntry[] }>('/simulator/ledger'),
  ]);
  const reference = new Map(sent.map((p) => [p.paymentRequestId, p.referenceOrderId]));
  const out = new Map<string, number[]>();
  for (const e of entries) {
    if (e.kind !== 'DEBIT') continue;
    const key = reference.get(e.paymentRequestId) ?? `?${e.paymentRequestId}`;
    out.set(key, [...(out.get(key) ?? []), e.at]);
  }
  return out;
}

/** The Asia/Shanghai calendar day of an instant (the merchant's default zone, the schedules' anchor zone). */
const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const shanghaiMidnight = (day: string) => Date.parse(`${day}T00:00:00+08:00`);

async function load(id: string): Promise<BillingSchedule> {
  const [row] = await world.database.db.select().from(billingSchedules).where(eq(billingSchedules.id, id));
  return row!;
}

describe(`billing schedules acceptance (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    world = await startPaymentWorld();
    offsetMs = (await world.sim.control<{ offsetMs: number }>('/simulator/clock')).offsetMs;
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('50 agreements anchored on the 31st, twelve months across a leap February: 600 debits in the simulator ledger, one per agreement per period, each on its day', async () => {
    await moveTo('2027-10-15T02:00:00Z');
    const made: BillingSchedule[] = [];
    for (let i = 0; i < 50; i++) made.push(await schedule(await agreement(), { anchorDay: 31, maxPeriods: 12 }));
    const days = ['2027-11-30', '2027-12-31', '2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30', '2028-05-31', '2028-06-30', '2028-07-31', '2028-08-31', '2028-09-30', '2028-10-31'];
    for (const day of days) {
      // A minute before the anchor day begins in Shanghai nothing is due; a minute after, all 50 are charged.
      await moveTo(new Date(shanghaiMidnight(day) - 60_000));
      expect((await runBilling(deps())).started, `before ${day}`).toBe(0);
      await moveTo(new Date(shanghaiMidnight(day) + 60_000));
      expect(await runBilling(deps()), day).toMatchObject({ started: 50, paid: 50, declined: 0 });
    }
    await moveTo('2028-11-20T00:00:00Z');
    expect((await runBilling(deps())).started).toBe(0);

    const debits = await simDebits();
    const ours = made.flatMap((s) => days.map((_d, period) => periodBusinessKey(s.id, period)));
    expect(ours.filter((key) => debits.has(key))).toHaveLength(600);
    for (const s of made) {
      // Exactly one debit per period, recorded by the simulator on the anchor day (Shanghai), in order.
      const seen = days.map((_d, period) => debits.get(periodBusinessKey(s.id, period)) ?? []);
      expect(seen.map((at) => at.length)).toEqual(Array(12).fill(1));
      expect(seen.map((at) => shanghaiDay(at[0]!))).toEqual(days);
    }
    const statuses = await world.database.db.select({ status: billingSchedules.status, n: sql<number>`count(*)::int` }).from(billingSchedules).where(inArray(billingSchedules.id, made.map((s) => s.id))).groupBy(billingSchedules.status);
    expect(statuses).toEqual([{ status: 'COMPLETED', n: 50 }]);
  }, 240_000);

  it('a low-balance account walks the ladder (retries 1, 3, 5, 7 days after the due date) to PAST_DUE, and pays again once the simulator balance is topped up', async () => {
    await moveTo('2028-11-25T02:00:00Z');
    const s = await schedule(await agreement('low-balance'), { startDate: '2028-12-10', amount: '20.00' });
    const tries: string[] = [];
    let pays = world.payCalls();
    // The billing run every six hours for three weeks: the ladder decides when a try happens.
    for (let t = Date.parse('2028-12-09T12:00:00Z'); t < Date.parse('2028-12-31T00:00:00Z'); t += 6 * 3_600_000) {
      await moveTo(new Date(t));
      await runBilling(deps());
      if (world.payCalls() > pays) tries.push(shanghaiDay(t));
      pays = world.payCalls();
    }
    expect(tries).toEqual(['2028-12-10', '2028-12-11', '2028-12-13', '2028-12-15', '2028-12-17']);
    const after = await load(s.id);
    expect(after.status).toBe('PAST_DUE');
    expect(after.statusReason).toContain('balance is too low');
    const events = await world.database.db.select({ type: scheduleEvents.type, message: scheduleEvents.message }).from(scheduleEvents).where(eq(scheduleEvents.scheduleId, s.id)).orderBy(asc(scheduleEvents.seq));
    expect(events.filter((e) => e.type === 'retry_scheduled').map((e) => /\((\d+) day/.exec(e.message)?.[1])).toEqual(['1', '3', '5', '7']);
    expect(events.at(-1)).toMatchObject({ type: 'past_due' });
    expect((await simDebits()).get(periodBusinessKey(s.id, 0))).toBeUndefined();

    // The buyer tops up in the wallet; PAST_DUE keeps billing, so the next period is charged and paid.
    await world.sim.control('/simulator/balances/top-up', { wallet: 'GCASH', account: 'low-balance', amountMinor: '100000' });
    await moveTo('2029-01-10T01:00:00Z');
    expect(await runBilling(deps())).toMatchObject({ started: 1, paid: 1 });
    expect(await load(s.id)).toMatchObject({ status: 'ACTIVE', statusReason: null });
    expect((await simDebits()).get(periodBusinessKey(s.id, 1))?.map(shanghaiDay)).toEqual(['2029-01-10']);
    await moveTo('2029-01-12T01:00:00Z');
    expect(await cancelSchedule(world.database.db, world.admin, s.id, 'now', now())).toMatchObject({ ok: true });
  }, 180_000);

  it('a revoked agreement pauses its schedule at once, and its due date passes with no pay call', async () => {
    await moveTo('2029-01-15T02:00:00Z');
    const byStaff = await agreement();
    const byBuyer = await agreement();
    const s1 = await schedule(byStaff, { startDate: '2029-02-01', amount: '20.00' });
    const s2 = await schedule(byBuyer, { startDate: '2029-02-01', amount: '20.00' });
    await revokeAgreement({ db: world.database.db, alipay: world.alipay, vault: world.vault, enqueue: async () => {}, returnUrl: 'http://localhost/x' } as never, { agreementId: byStaff, by: { kind: 'staff', actor: world.admin } } as never);
    // The buyer revokes in the wallet: Antom's TOKEN_CANCELED notification, applied as the notify route does.
    const [row] = await world.database.db.select().from(agreements).where(eq(agreements.id, byBuyer));
    const accessToken = world.vault.open(row!.accessTokenCiphertext!, agreementTokenAad(byBuyer, 'access_token', row!.tokenKeyVersion ?? 1));
    await world.sim.control('/simulator/authorizations/revoke', { accessToken });
    expect(await applyTokenCanceled({ db: world.database.db, vault: world.vault, now }, { accessToken, reason: 'USER_REVOKE' })).toMatchObject({ applied: true });
    for (const s of [s1, s2]) {
      const paused = await load(s.id);
      expect(paused.status).toBe('PAUSED');
      expect(paused.statusReason).toMatch(/revoked/i);
    }
    const calls = world.payCalls();
    await moveTo('2029-02-01T01:00:00Z');
    await runBilling(deps());
    await moveTo('2029-02-05T01:00:00Z');
    await runBilling(deps());
    expect(world.payCalls()).toBe(calls);
    expect(await world.database.db.select().from(schedulePeriods).where(inArray(schedulePeriods.scheduleId, [s1.id, s2.id]))).toHaveLength(0);
  }, 120_000);

  it('1,000 due periods, two workers, one killed mid-run (its last pay answers lost): after a restart each period is charged exactly once', async () => {
    await moveTo('2029-02-10T02:00:00Z');
    // 25 agreements with 40 schedules each: 1,000 schedules whose first period falls due on 1 March.
    const ids = [];
    for (let i = 0; i < 25; i++) ids.push(await agreement());
    const made: BillingSchedule[] = [];
    for (let i = 0; i < 1000; i++) made.push(await schedule(ids[i % ids.length]!, { startDate: '2029-03-01', amount: '10.00', intervalUnit: 'month', maxPeriods: 1 }));
    const keys = new Set(made.map((s) => periodBusinessKey(s.id, 0)));
    await moveTo('2029-03-01T01:00:00Z');

    // Worker A dies at its 275th pay: that request reaches the simulator (the debit happens there), its answer
    // never comes back, and A does nothing more — every charge it has in flight hangs, its claimed batch stays.
    let aPays = 0;
    const KILL_AT = 275; // mid-batch (batches of 50), so some of its claimed periods were never sent
    const dead = new Promise<never>(() => {});
    const alipayA: typeof world.alipay = {
      ...world.alipay,
      pay: (input, options) => {
        aPays++;
        if (aPays < KILL_AT) return world.alipay.pay(input, options);
        world.alipay.pay(input, options).catch(() => {});
        return dead;
      },
    };
    const before = world.payCalls();
    void runBilling(deps(alipayA), { batchSize: 50, concurrency: 8 });
    const b = await runBilling(deps(), { batchSize: 50, concurrency: 8 });
    expect(aPays).toBeGreaterThanOrEqual(KILL_AT);
    expect(b.started).toBeGreaterThan(0);
    // A's claimed periods: charging, some with their pay sent and unanswered, some never charged.
    const stuck = await world.database.db.select({ n: sql<number>`count(*)::int` }).from(schedulePeriods).where(and(inArray(schedulePeriods.scheduleId, made.map((s) => s.id)), eq(schedulePeriods.status, 'charging')));
    expect(stuck[0]!.n).toBeGreaterThan(0);

    // The restart: a new worker after the stale-claim time charges what A never sent (by the same business key)
    // and leaves the unanswered ones to the payment resolver, whose byte-identical resend learns they succeeded.
    await moveTo('2029-03-01T01:05:00Z');
    const restart = await runBilling(deps());
    expect(restart.charged).toBeGreaterThan(0);
    const open = await world.database.db.select({ id: payments.id }).from(payments).where(inArray(payments.status, [...OPEN_STATUSES]));
    expect(open.length).toBeGreaterThan(0);
    for (const p of open) {
      for (let step = 0; step < 10 && (await resolvePayment(world.deps(), p.id)) !== 'final'; step++);
    }
    await moveTo('2029-03-01T01:10:00Z');
    await runBilling(deps());

    const periods = await world.database.db.select({ status: schedulePeriods.status, n: sql<number>`count(*)::int` }).from(schedulePeriods).where(inArray(schedulePeriods.scheduleId, made.map((s) => s.id))).groupBy(schedulePeriods.status);
    expect(periods).toEqual([{ status: 'paid', n: 1000 }]);
    const debits = await simDebits();
    const counts = [...keys].map((k) => debits.get(k)?.length ?? 0);
    expect(counts.filter((n) => n === 1)).toHaveLength(1000);
    // Pay requests sent: one per period, plus the resolver's identical resends of the unanswered ones.
    expect(world.payCalls() - before).toBeGreaterThanOrEqual(1000);
  }, 240_000);
});
