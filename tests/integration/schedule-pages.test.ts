// Issue 22 point 4, the queries behind the staff pages: the Schedules list's CSV export (times ISO 8601 with the
// viewer zone's offset, the zone named in the schedule's own column), the Overview's schedule tiles (past due,
// unpaid, next seven days' expected volume per currency), and the dunning settings admins save.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, billingSchedules, schedulePeriods, type BillingSchedule } from '@/lib/db/schema';
import { countExportRows, exportListCsv } from '@/lib/export/export-list-csv';
import { EMPTY_FILTERS, parseListFilters } from '@/lib/lists/parse-list-filters';
import { createSchedule, type ScheduleDraft } from '@/lib/schedules/create-schedule';
import { cancelSchedule, pauseSchedule } from '@/lib/schedules/manage-schedule';
import { getScheduleOverview } from '@/lib/schedules/schedule-overview';
import { getDunningSettings, updateDunningSettings } from '@/lib/schedules/update-dunning-settings';
import { periodBusinessKey } from '@/lib/schedules/schedule-spec';
import { isoInZone } from '@/lib/time/zone';
import { startPaymentWorld, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

let world: PaymentWorld;
const now = new Date();
/** The Shanghai calendar day `n` days from now (the schedules' default anchor zone). */
const day = (n: number) => new Date(now.getTime() + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);

async function schedule(agreementId: string, draft: Partial<ScheduleDraft>): Promise<BillingSchedule> {
  const made = await createSchedule(world.database.db, world.admin, { agreementId, amount: '100.00', description: 'Plan', intervalUnit: 'month', intervalCount: 1, startDate: day(3), ...draft }, now);
  if (!made.ok) throw new Error(made.error);
  return made.data;
}

describe(`schedule pages (${testDatabaseKind()})`, () => {
  const made: Record<string, BillingSchedule> = {};

  beforeAll(async () => {
    world = await startPaymentWorld();
    const php = await world.activeAgreement('GCASH');
    const krw = await world.activeAgreement('KAKAOPAY');
    made.daily = await schedule(php, { amount: '10.00', intervalUnit: 'day', startDate: day(1), description: 'Daily paper' });
    made.monthly = await schedule(php, { amount: '499.00', startDate: day(3), description: '=HYPERLINK("x")' });
    made.later = await schedule(php, { amount: '77.00', startDate: day(10) });
    made.paused = await schedule(php, { amount: '55.00', startDate: day(2) });
    made.ending = await schedule(php, { amount: '66.00', startDate: day(2) });
    made.won = await schedule(krw, { amount: '5000', startDate: day(4), description: '월간 구독' });
    made.pastDue = await schedule(krw, { amount: '1000', startDate: day(20) });
    made.unpaid = await schedule(php, { amount: '30.00', startDate: day(5) });
    expect((await pauseSchedule(world.database.db, world.admin, made.paused.id, 'holiday', now)).ok).toBe(true);
    expect((await cancelSchedule(world.database.db, world.admin, made.ending.id, 'period_end', now)).ok).toBe(true);
    // The dunning states as the billing run leaves them; the past-due one has a declined period retried in 2 days.
    await world.database.db.update(billingSchedules).set({ status: 'PAST_DUE', statusReason: 'Past due: declined.' }).where(eq(billingSchedules.id, made.pastDue.id));
    await world.database.db.update(billingSchedules).set({ status: 'UNPAID', statusReason: 'Unpaid: declined for good.' }).where(eq(billingSchedules.id, made.unpaid.id));
    await world.database.db.insert(schedulePeriods).values({
      scheduleId: made.pastDue.id,
      periodNumber: 0,
      dueAt: new Date(now.getTime() - 86_400_000),
      amountMinor: 1000n,
      currency: 'KRW',
      businessKey: periodBusinessKey(made.pastDue.id, 0),
      status: 'retrying',
      tries: 1,
      nextRetryAt: new Date(now.getTime() + 2 * 86_400_000),
    });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('the Overview counts past-due and unpaid schedules and expects the next 7 days per currency', async () => {
    const o = await getScheduleOverview(world.database.db, now);
    expect(o).toMatchObject({ pastDue: 1, unpaid: 1, windowDays: 7 });
    // PHP: the daily schedule's seven periods (7 × 10.00) and the monthly one due in 3 days (499.00); not the one in
    // 10 days, the paused one, the one canceled at the period end, nor the unpaid one. KRW: 5000 due in 4 days and
    // the past-due schedule's retry in 2 days (its own next period is 20 days out).
    expect(o.expected).toEqual([
      { currency: 'KRW', amountMinor: 6000n, periods: 1, retries: 1 },
      { currency: 'PHP', amountMinor: 7n * 1000n + 49900n, periods: 8, retries: 0 },
    ]);
    // Three days on, before any billing run: of the periods already due, only the latest is charged (no catch-up).
    // PHP: daily 1 + 7, monthly 1 (due 3 days ago), the one on day 10; KRW: 5000 on day 4, the retry is past.
    expect((await getScheduleOverview(world.database.db, new Date(now.getTime() + 3 * 86_400_000))).expected).toEqual([
      { currency: 'KRW', amountMinor: 5000n, periods: 1, retries: 0 },
      { currency: 'PHP', amountMinor: 8n * 1000n + 49900n + 7700n, periods: 10, retries: 0 },
    ]);
  });

  it('the Schedules CSV export: filtered like the list, times with the viewer zone offset, text cells safe', async () => {
    const filters = (params: Record<string, string>, zone = 'Asia/Seoul') => {
      const parsed = parseListFilters(params, { statuses: ['ACTIVE', 'PAUSED', 'PAST_DUE', 'UNPAID', 'CANCELED', 'COMPLETED'], zone });
      expect(parsed.ok).toBe(true);
      return parsed.filters;
    };
    expect(await countExportRows(world.database.db, world.admin, 'schedules', filters({}))).toBe(8);
    const csv = await new Response(exportListCsv(world.database.db, world.admin, 'schedules', filters({ status: 'ACTIVE', sort: 'oldest' }))).text();
    const [header, ...rows] = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(header).toBe('id,created_at,status,status_reason,wallet,currency,amount_minor,amount,amount_formatted,interval,anchor_day,time_zone,next_due_at,description,agreement_id,customer_reference,customer_name');
    // ACTIVE: daily, monthly, later, ending (canceled at the period end is still active), won.
    expect(rows).toHaveLength(5);
    const daily = rows.find((r) => r.startsWith(made.daily!.id))!.split(',');
    expect(daily[1]).toBe(isoInZone(made.daily!.createdAt, 'Asia/Seoul'));
    expect(daily[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    expect(daily.slice(2, 11)).toEqual(['ACTIVE', '', 'GCASH', 'PHP', '1000', '10.00', '₱10.00', '1 day', '']);
    expect(daily[11]).toBe('Asia/Shanghai');
    // Shanghai midnight of the start day is 01:00 in Seoul.
    expect(daily[12]).toBe(`${day(1)}T01:00:00+09:00`);
    const monthly = rows.find((r) => r.startsWith(made.monthly!.id))!;
    expect(monthly).toContain(`"'=HYPERLINK(""x"")"`);
    expect(rows.find((r) => r.startsWith(made.won!.id))).toContain(',5000,5000,');
    const past = await new Response(exportListCsv(world.database.db, world.admin, 'schedules', filters({ status: 'PAST_DUE' }, 'UTC'))).text();
    expect(past).toContain('Past due: declined.');
    expect(past.split('\r\n').filter((l) => l.startsWith(made.pastDue!.id))).toHaveLength(1);
    expect(() => exportListCsv(world.database.db, { role: 'nobody' as never }, 'schedules', EMPTY_FILTERS)).toThrow();
  });

  it('dunning settings: only admins, bad input refused with the reason, every change audited', async () => {
    const operator = { ...world.admin, role: 'operator' as const };
    await expect(updateDunningSettings(world.database.db, operator, { ladder: '2', afterLadder: 'UNPAID' })).rejects.toThrow();
    for (const ladder of ['1, x', '3, 2', '0', '61', '1,2,3,4,5,6,7,8,9,10,11']) {
      const r = await updateDunningSettings(world.database.db, world.admin, { ladder, afterLadder: 'PAST_DUE' });
      expect(r, ladder).toMatchObject({ ok: false, code: 'ladder_invalid', fieldErrors: { ladder: [expect.any(String)] } });
    }
    expect(await updateDunningSettings(world.database.db, world.admin, { ladder: '1', afterLadder: 'CANCELED' })).toMatchObject({ ok: false, code: 'after_ladder_invalid' });
    expect(await getDunningSettings(world.database.db)).toEqual({ ladderDays: [1, 3, 5, 7], afterLadder: 'PAST_DUE' });
    expect(await updateDunningSettings(world.database.db, world.admin, { ladder: '2 4 8', afterLadder: 'UNPAID' })).toMatchObject({ ok: true, data: { ladderDays: [2, 4, 8], afterLadder: 'UNPAID' } });
    expect(await updateDunningSettings(world.database.db, world.admin, { ladder: '', afterLadder: 'PAST_DUE' })).toMatchObject({ ok: true, data: { ladderDays: [], afterLadder: 'PAST_DUE' } });
    expect(await getDunningSettings(world.database.db)).toEqual({ ladderDays: [], afterLadder: 'PAST_DUE' });
    const audits = await world.database.db.select({ before: auditLog.before, after: auditLog.after }).from(auditLog).where(eq(auditLog.action, 'settings.dunning'));
    expect(audits).toEqual([
      { before: { ladderDays: [1, 3, 5, 7], afterLadder: 'PAST_DUE' }, after: { ladderDays: [2, 4, 8], afterLadder: 'UNPAID' } },
      { before: { ladderDays: [2, 4, 8], afterLadder: 'UNPAID' }, after: { ladderDays: [], afterLadder: 'PAST_DUE' } },
    ]);
  });
});
