import { faultPoint } from '@/lib/faults/fault-point';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { columnTuple, type ColumnRow } from '@/lib/db/column-tuple';
import { jsonText } from '@/lib/db/json-text';
import { mapRow } from '@/lib/db/map-row';
import { rowsOf } from '@/lib/db/rows-of';
import { billingSchedules, merchantSettings, schedulePeriods, type BillingSchedule, type Payment, type SchedulePeriod } from '@/lib/db/schema';
import { findIntentByKey } from '@/lib/intents/find-intent';
import { isOpenAttempt } from '@/lib/intents/intent-rules';
import { formatAmount } from '@/lib/money';
import { charge } from '@/lib/payments/charge';
import { nowOf, type PaymentDeps } from '@/lib/payments/payment-deps';
import { declineKind, declineWords, dunningSettingsOf, maxAttemptsFor, nextRetryAt, type DunningSettings } from './dunning';
import { formatLocalDate, latestDuePeriod, localDateAt, periodDueAt } from './period-calendar';
import { recordScheduleEvents, type ScheduleEventInput } from './schedule-events';
import { periodBusinessKey, specOf } from './schedule-spec';

/**
 * The billing run (architecture.md §4 "Billing schedules"). Each pass:
 *   1. claims a batch of due work in one transaction, rows locked FOR NO KEY UPDATE SKIP LOCKED (two workers take
 *      different rows): due schedules start their period (a schedule_periods row, status charging, tries 1) and
 *      move on to the next one; due retries become charging with one more try;
 *   2. after commit, charges each claimed period through THE charge operation (lib/payments/charge.ts) with the
 *      period's business key `sch_<schedule>_<period>` as the order reference — the intent's unique key, so a
 *      period is one intent and at most one debit whoever charges it, however often;
 *   3. settles each period from its intent: paid, retry on the ladder, or failed (PAST_DUE / UNPAID / stop).
 * The passes overlap: the next batch is claimed while the current one charges, and paid periods are settled by
 * group commit (see runBilling and PaidSettler).
 * A period left charging (a worker died between claim and charge, or the payment was still open) is picked up by
 * `settleStalePeriods`: no intent attempt for its current try → charge (idempotent by the key); a final attempt →
 * settle; an open one → leave it to the payment resolver.
 *
 * After downtime only the latest missed period of a schedule is started (the others are recorded as skipped),
 * unless the schedule says catch up: then each missed period is started, one per pass.
 */

/**
 * The payment deps, plus the clock the schedule's decisions read (what is due, when to retry). It defaults to the
 * payment clock; tests move it alone to walk months of billing while the pay requests keep the real time the
 * simulator checks them against.
 */
export type BillingDeps = PaymentDeps & { billingNow?: () => Date };

function billingNow(deps: BillingDeps): Date {
  return deps.billingNow?.() ?? nowOf(deps);
}

export interface BillingRunOptions {
  /** Rows claimed per transaction (default 100). The next batch is claimed while the current one is charging. */
  batchSize?: number;
  /** Charges in flight at once (default 32; the job passes BILLING_CONCURRENCY). */
  concurrency?: number;
  /** Stop claiming new work after this many milliseconds (default: until nothing is due). */
  budgetMs?: number;
  /** A charging period untouched this long is taken as abandoned (default 2 minutes). */
  staleAfterMs?: number;
  /** Stop after this many batches (tests simulate a worker killed mid-run). */
  maxBatches?: number;
}

export interface BillingRunStats {
  started: number;
  retried: number;
  charged: number;
  paid: number;
  declined: number;
  skippedPeriods: number;
  paused: number;
}

interface Claimed {
  period: SchedulePeriod;
  agreementId: string;
  description: string;
}

const BILLING = sql.raw(`('ACTIVE', 'PAST_DUE')`);

/** A started period's columns (hand-written insert: drizzle's builder cost more CPU to compile a batch than it saves). */
const PERIOD_COLUMNS = ['scheduleId', 'periodNumber', 'dueAt', 'amountMinor', 'currency', 'businessKey', 'status', 'tries', 'lastTriedAt', 'createdAt', 'updatedAt'] as const;
const PERIOD_ROW = columnTuple(schedulePeriods, PERIOD_COLUMNS);
type PeriodColumn = (typeof PERIOD_COLUMNS)[number];

async function loadSettings(db: Db): Promise<DunningSettings> {
  const [row] = await db.select({ dunningLadderDays: merchantSettings.dunningLadderDays, dunningAfterLadder: merchantSettings.dunningAfterLadder }).from(merchantSettings).where(eq(merchantSettings.id, 1));
  return dunningSettingsOf(row ?? {});
}

export async function runBilling(deps: BillingDeps, options: BillingRunOptions = {}): Promise<BillingRunStats> {
  const stats: BillingRunStats = { started: 0, retried: 0, charged: 0, paid: 0, declined: 0, skippedPeriods: 0, paused: 0 };
  const started = Date.now();
  const settings = await loadSettings(deps.db);
  await settleStalePeriods(deps, settings, stats, options);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const width = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const maxBatches = options.maxBatches ?? Number.MAX_SAFE_INTEGER;
  // A pipeline: `width` charges in flight, fed from a queue of claimed periods; when the queue is down to one
  // round of charges, the next batch is claimed beside them (one claim at a time), so charging never waits for a
  // claim except at the start. Whatever is claimed is charged by this run (a claimed period is `charging` in the
  // database; if this process dies, settleStalePeriods takes it over), so prefetching never loses or doubles a period.
  const settler = new PaidSettler(deps, settings, stats);
  const queue: Claimed[] = [];
  let batches = 0;
  let exhausted = false;
  let inFlight = 0;
  /** Charges started by this run (with the settler's statements: what may hold a schedule row a claim skips). */
  let chargesStarted = 0;
  /** A claim came back empty while charges were in flight (a row it wanted may have been busy): look once more. */
  let emptyWhileBusy = false;
  let claiming: Promise<void> | null = null;
  let failure: unknown = null;
  const claimNext = (): Promise<void> | null => {
    if (claiming || exhausted) return claiming;
    if (batches >= maxBatches || (options.budgetMs !== undefined && Date.now() - started > options.budgetMs)) {
      exhausted = true;
      return null;
    }
    batches++;
    // The claim skips rows locked by this run's own charges and settlements (SKIP LOCKED): an empty answer only
    // means "nothing due" if none of them ran at any moment of the claim, so what ran before, during and after
    // it is all looked at, not only the state when the answer arrives.
    const busyAtStart = inFlight > 0 || settler.busy;
    const activityAtStart = chargesStarted + settler.statements;
    claiming = claimDueWork(deps, batchSize, stats)
      .then((claimed) => {
        if (claimed.length > 0) faultPoint('billing.after-commit');
        if (claimed.length === 0) {
          exhausted = true;
          if (busyAtStart || inFlight > 0 || settler.busy || chargesStarted + settler.statements !== activityAtStart) emptyWhileBusy = true;
        }
        queue.push(...claimed);
      })
      .catch((error: unknown) => {
        // No further claims; what is queued is still charged (it is claimed), then the run fails with this.
        failure ??= error;
        exhausted = true;
      })
      .finally(() => {
        claiming = null;
      });
    return claiming;
  };
  const lane = async (): Promise<void> => {
    for (;;) {
      if (queue.length <= width) void claimNext();
      const next = queue.shift();
      if (next) {
        inFlight++;
        chargesStarted++;
        try {
          await chargeClaimed(deps, settings, next, stats, settler.settle);
        } finally {
          inFlight--;
        }
        continue;
      }
      const pending = claimNext();
      if (!pending) return;
      await pending;
    }
  };
  for (;;) {
    await Promise.all(Array.from({ length: width }, lane));
    await settler.drain();
    if (failure || !emptyWhileBusy) break;
    // Everything claimed is settled now; claim again unless the batch or time budget is used up.
    emptyWhileBusy = false;
    exhausted = false;
  }
  if (failure) throw failure;
  return stats;
}

/** Rows claimed per transaction. */
export const DEFAULT_BATCH_SIZE = 100;
/**
 * Charges in flight at once per worker (the job passes BILLING_CONCURRENCY). A period waits on the database twice
 * and on the pay call once, so a narrow run leaves the worker idle between answers. bench/billing-run.bench.ts on
 * PostgreSQL, 2 cores, 5,000 periods, after the outbox stopped serialising commits (drizzle/0026): 0.44–0.47× the
 * raw pay rate at 16 (p95 per charge 100–130 ms), 0.47× at 24, 0.49–0.54× at 32 (p95 180–205 ms), 0.50× at 48
 * (p95 283 ms). A billing run has nobody waiting on one charge, so 32 trades latency for throughput.
 */
export const DEFAULT_CONCURRENCY = 32;

async function inPool<T>(items: readonly T[], width: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await each(items[next++]!);
    }),
  );
}

interface ScheduleChange {
  id: string;
  status: BillingSchedule['status'] | null;
  statusReason: string | null;
  /** Set with nextDueAt when a period started (nextDueAt null then means no period is left). */
  nextPeriod: number | null;
  nextDueAt: Date | null;
}

/**
 * Claims due periods and due retries and returns what to charge. One transaction of a few set-based statements
 * whatever the batch size: the due schedules locked FOR NO KEY UPDATE SKIP LOCKED (two workers take different rows),
 * their periods inserted in one statement, the schedules moved on in one, the due retries locked and moved to
 * charging in one, the timeline appended in one.
 */
export async function claimDueWork(deps: BillingDeps, batchSize: number, stats?: BillingRunStats): Promise<Claimed[]> {
  const now = billingNow(deps);
  return deps.db.transaction(async (tx) => {
    const claimed: Claimed[] = [];
    const events: ScheduleEventInput[] = [];
    const due = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        select s.*, a.status as agreement_status
        from billing_schedules s join agreements a on a.id = s.agreement_id
        where s.status in ${BILLING} and s.next_due_at is not null and s.next_due_at <= ${now.toISOString()}::timestamptz
        order by s.next_due_at
        limit ${batchSize}
        for no key update of s skip locked`),
    );
    const changes: ScheduleChange[] = [];
    const starts: { schedule: BillingSchedule; timeZone: string; key: string; values: ColumnRow<typeof schedulePeriods, PeriodColumn> }[] = [];
    for (const raw of due) {
      const schedule = mapRow(billingSchedules, raw);
      if (raw.agreement_status !== 'ACTIVE') {
        const reason = `Paused: the agreement is ${String(raw.agreement_status).toLowerCase()}; nothing was charged.`;
        changes.push({ id: schedule.id, status: 'PAUSED', statusReason: reason, nextPeriod: null, nextDueAt: null });
        events.push({ scheduleId: schedule.id, type: 'agreement_ended', message: reason, at: now });
        if (stats) stats.paused++;
        continue;
      }
      if (schedule.cancelAtPeriodEnd) {
        changes.push({ id: schedule.id, status: 'CANCELED', statusReason: 'Canceled at the end of the period, as asked.', nextPeriod: null, nextDueAt: null });
        events.push({ scheduleId: schedule.id, type: 'canceled', message: 'Canceled at the end of the period, as asked; no new period starts.', at: now });
        continue;
      }
      const spec = specOf(schedule);
      const period = schedule.catchUp ? schedule.nextPeriod : (latestDuePeriod(spec, now, schedule.nextPeriod) ?? schedule.nextPeriod);
      const skipped = period - schedule.nextPeriod;
      if (skipped > 0) {
        events.push({
          scheduleId: schedule.id,
          type: 'periods_skipped',
          message: `${skipped} period(s) fell due while billing was not running and are not charged (catch-up is off); only the latest, period ${period + 1}, is.`,
          detail: { from: schedule.nextPeriod, to: period - 1 },
          at: now,
        });
        if (stats) stats.skippedPeriods += skipped;
      }
      const dueAt = periodDueAt(spec, period)!;
      changes.push({ id: schedule.id, status: null, statusReason: null, nextPeriod: period + 1, nextDueAt: periodDueAt(spec, period + 1) });
      const key = periodBusinessKey(schedule.id, period);
      starts.push({
        schedule,
        timeZone: spec.timeZone,
        key,
        values: {
          scheduleId: schedule.id,
          periodNumber: period,
          dueAt,
          amountMinor: schedule.amountMinor,
          currency: schedule.currency,
          businessKey: key,
          status: 'charging',
          tries: 1,
          lastTriedAt: now,
          createdAt: now,
          updatedAt: now,
        },
      });
    }
    // A period already there (another run started it) is not charged again here; its schedule still moves on.
    const inserted =
      starts.length > 0
        ? rowsOf<Record<string, unknown>>(
            await tx.execute(sql`insert into schedule_periods ${PERIOD_ROW.columns} values ${sql.join(
              starts.map((s) => PERIOD_ROW.tuple(s.values)),
              sql`, `,
            )} on conflict do nothing returning *`),
          ).map((raw) => mapRow(schedulePeriods, raw))
        : [];
    const byKey = new Map(inserted.map((row) => [row.businessKey, row]));
    for (const start of starts) {
      const row = byKey.get(start.key);
      if (!row) continue;
      events.push({
        scheduleId: row.scheduleId,
        periodNumber: row.periodNumber,
        type: 'period_started',
        message: `Period ${row.periodNumber + 1} (${formatLocalDate(localDateAt(row.dueAt, start.timeZone))}): charging ${formatAmount(row.amountMinor, row.currency)}.`,
        at: now,
      });
      claimed.push({ period: row, agreementId: start.schedule.agreementId, description: start.schedule.description });
      if (stats) stats.started++;
    }
    await applyScheduleChanges(tx, changes, now);
    const room = batchSize - claimed.length;
    if (room > 0) {
      const retries = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`
          with due as (
            select p.id, s.agreement_id as s_agreement_id, s.description as s_description
            from schedule_periods p join billing_schedules s on s.id = p.schedule_id
            where p.status = 'retrying' and p.next_retry_at <= ${now.toISOString()}::timestamptz and s.status in ${BILLING}
            order by p.next_retry_at
            limit ${room}
            for update of p skip locked
          )
          update schedule_periods p
          set status = 'charging', tries = p.tries + 1, last_tried_at = ${now.toISOString()}::timestamptz, next_retry_at = null, updated_at = ${now.toISOString()}::timestamptz
          from due
          where p.id = due.id and p.status = 'retrying'
          returning p.*, due.s_agreement_id, due.s_description`),
      );
      for (const raw of retries) {
        claimed.push({ period: mapRow(schedulePeriods, raw), agreementId: String(raw.s_agreement_id), description: String(raw.s_description) });
        if (stats) stats.retried++;
      }
    }
    await recordScheduleEvents(tx, events);
    if (claimed.length > 0) faultPoint('billing.before-commit');
    return claimed;
  });
}

/** The claimed schedules' new state in one UPDATE … FROM (VALUES …). */
async function applyScheduleChanges(tx: Db, changes: readonly ScheduleChange[], now: Date): Promise<void> {
  if (changes.length === 0) return;
  const rows = sql.join(
    changes.map(
      (c) =>
        sql`(${c.id}::uuid, ${c.status}::schedule_status, ${c.statusReason}::text, ${c.nextPeriod}::int, ${c.nextDueAt?.toISOString() ?? null}::timestamptz, ${c.status === 'CANCELED'}::boolean)`,
    ),
    sql`, `,
  );
  await tx.execute(sql`
    update billing_schedules s
    set status = coalesce(v.status, s.status),
        status_reason = case when v.status is null then s.status_reason else v.status_reason end,
        next_period = coalesce(v.next_period, s.next_period),
        next_due_at = case when v.next_period is not null then v.next_due_at when v.clear_due then null else s.next_due_at end,
        updated_at = ${now.toISOString()}::timestamptz
    from (values ${rows}) as v(id, status, status_reason, next_period, next_due_at, clear_due)
    where s.id = v.id`);
}

type Settle = (period: SchedulePeriod, intentId: string, attempt: Payment) => Promise<void>;

/** Charges one claimed period through the charge operation and settles it (by `settle` when given). */
async function chargeClaimed(deps: BillingDeps, settings: DunningSettings, claimed: Claimed, stats: BillingRunStats, settle?: Settle): Promise<void> {
  const { period } = claimed;
  const result = await charge(deps, {
    agreementId: claimed.agreementId,
    amountMinor: period.amountMinor,
    currency: period.currency,
    description: claimed.description,
    referenceOrderId: period.businessKey,
    initiator: { kind: 'schedule' },
    retry: { retryPolicy: 'soft_declines', maxAttempts: maxAttemptsFor(settings) },
  });
  stats.charged++;
  if (result.ok) {
    await (settle ? settle(period, result.data.intent.id, result.data.payment) : settlePeriod(deps, settings, period, result.data.intent.id, result.data.payment, stats));
    return;
  }
  // Refused before anything was sent. An intent that exists answers for itself (e.g. declined for good earlier).
  const existing = await findIntentByKey(deps.db, period.businessKey);
  const latest = existing?.attempts.at(-1);
  if (existing && latest && !isOpenAttempt(latest.status)) {
    await settlePeriod(deps, settings, { ...period, tries: existing.attempts.length }, existing.intent.id, latest, stats);
    return;
  }
  await refusePeriod(deps, period, result.code, result.error);
  stats.paused++;
}

/**
 * A charge refused locally (the agreement ended, its token expired, the amount no longer fits the wallet): the
 * schedule pauses with the reason and the period waits to be retried when it resumes. Nothing was sent.
 */
async function refusePeriod(deps: BillingDeps, period: SchedulePeriod, code: string, error: string): Promise<void> {
  const now = billingNow(deps);
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(schedulePeriods)
      .set({ status: 'retrying', tries: sql`greatest(${schedulePeriods.tries} - 1, 0)`, nextRetryAt: now, lastFailureCode: code, lastFailureMessage: error, updatedAt: now })
      .where(and(eq(schedulePeriods.id, period.id), eq(schedulePeriods.status, 'charging')))
      .returning();
    if (!row) return;
    const reason = `Paused: period ${period.periodNumber + 1} could not be charged (${error}); nothing was sent.`;
    await tx.update(billingSchedules).set({ status: 'PAUSED', statusReason: reason, updatedAt: now }).where(and(eq(billingSchedules.id, period.scheduleId), sql`${billingSchedules.status} in ${BILLING}`));
    await recordScheduleEvents(tx, [{ scheduleId: period.scheduleId, periodNumber: period.periodNumber, type: 'paused', message: reason, detail: { code }, at: now }]);
  });
}

/**
 * Moves a charging period on from its intent's latest attempt: paid; still open (left charging for the resolver);
 * softly declined → the next step of the ladder, or the after-ladder state; hard declined → stop.
 * Guarded on status = charging and the try count, so two workers settling one period write one outcome.
 */
export async function settlePeriod(deps: BillingDeps, settings: DunningSettings, period: SchedulePeriod, intentId: string, attempt: Payment, stats?: BillingRunStats): Promise<void> {
  if (isOpenAttempt(attempt.status)) {
    if (!period.intentId) await deps.db.update(schedulePeriods).set({ intentId }).where(eq(schedulePeriods.id, period.id));
    return;
  }
  const now = billingNow(deps);
  const guard = and(eq(schedulePeriods.id, period.id), eq(schedulePeriods.status, 'charging'));
  await deps.db.transaction(async (tx) => {
    const [schedule] = await tx.select().from(billingSchedules).where(eq(billingSchedules.id, period.scheduleId)).for('no key update');
    if (!schedule) return;
    const money = formatAmount(period.amountMinor, period.currency);
    if (attempt.status === 'SUCCEEDED') {
      const [row] = await tx.update(schedulePeriods).set({ status: 'paid', intentId, nextRetryAt: null, updatedAt: now }).where(guard).returning();
      if (!row) return;
      const events: ScheduleEventInput[] = [{ scheduleId: schedule.id, periodNumber: period.periodNumber, type: 'period_paid', message: `Period ${period.periodNumber + 1}: ${money} paid${row.tries > 1 ? ` on try ${row.tries}` : ''}.`, detail: { paymentId: attempt.id }, at: now }];
      if (schedule.status === 'PAST_DUE' || schedule.status === 'UNPAID') {
        await tx.update(billingSchedules).set({ status: 'ACTIVE', statusReason: null, updatedAt: now }).where(eq(billingSchedules.id, schedule.id));
        events.push({ scheduleId: schedule.id, type: 'recovered', message: `Back to active: period ${period.periodNumber + 1} was paid.`, at: now });
      } else if (schedule.status === 'ACTIVE' && schedule.nextDueAt === null) {
        await completeIfDone(tx, schedule, now, events);
      }
      await recordScheduleEvents(tx, events);
      if (stats) stats.paid++;
      return;
    }
    const code = attempt.failureCode ?? attempt.resultCode;
    const words = declineWords(code, attempt.failureMessage);
    if (stats) stats.declined++;
    if (declineKind(code) === 'soft') {
      const retryAt = nextRetryAt({ dueAt: period.dueAt, tries: period.tries, lastTriedAt: period.lastTriedAt ?? now, settings });
      if (retryAt) {
        const [row] = await tx.update(schedulePeriods).set({ status: 'retrying', intentId, nextRetryAt: retryAt, lastFailureCode: code, lastFailureMessage: words, updatedAt: now }).where(guard).returning();
        if (!row) return;
        await recordScheduleEvents(tx, [
          { scheduleId: schedule.id, periodNumber: period.periodNumber, type: 'period_declined', message: `Period ${period.periodNumber + 1}, try ${period.tries}: declined — ${words}`, detail: { code, paymentId: attempt.id }, at: now },
          { scheduleId: schedule.id, periodNumber: period.periodNumber, type: 'retry_scheduled', message: `Retry ${period.tries} of ${settings.ladderDays.length} on ${retryAt.toISOString().slice(0, 10)} (${settings.ladderDays[period.tries - 1]} day(s) after the due date).`, detail: { retryAt: retryAt.toISOString() }, at: now },
        ]);
        return;
      }
      const [row] = await tx.update(schedulePeriods).set({ status: 'failed', intentId, nextRetryAt: null, lastFailureCode: code, lastFailureMessage: words, updatedAt: now }).where(guard).returning();
      if (!row) return;
      const after = settings.afterLadder;
      const reason =
        after === 'PAST_DUE'
          ? `Past due: period ${period.periodNumber + 1} (${money}) was declined on all ${period.tries} tries (${words}); the next period is still charged.`
          : `Unpaid: period ${period.periodNumber + 1} (${money}) was declined on all ${period.tries} tries (${words}); billing stopped.`;
      const events: ScheduleEventInput[] = [
        { scheduleId: schedule.id, periodNumber: period.periodNumber, type: 'period_declined', message: `Period ${period.periodNumber + 1}, try ${period.tries}: declined — ${words}`, detail: { code, paymentId: attempt.id }, at: now },
        { scheduleId: schedule.id, periodNumber: period.periodNumber, type: 'ladder_exhausted', message: `No retry left for period ${period.periodNumber + 1}.`, at: now },
      ];
      if (schedule.status === 'ACTIVE' || schedule.status === 'PAST_DUE') {
        await tx.update(billingSchedules).set({ status: after, statusReason: reason, updatedAt: now }).where(eq(billingSchedules.id, schedule.id));
        events.push({ scheduleId: schedule.id, type: after === 'PAST_DUE' ? 'past_due' : 'unpaid', message: reason, at: now });
      }
      await recordScheduleEvents(tx, events);
      return;
    }
    // Hard decline: no retry. If it ended the agreement (INVALID_ACCESS_TOKEN …) the schedule is already paused.
    const [row] = await tx.update(schedulePeriods).set({ status: 'failed', intentId, nextRetryAt: null, lastFailureCode: code, lastFailureMessage: words, updatedAt: now }).where(guard).returning();
    if (!row) return;
    const reason = `Unpaid: period ${period.periodNumber + 1} (${money}) was declined for good (${words}); billing stopped.`;
    const events: ScheduleEventInput[] = [{ scheduleId: schedule.id, periodNumber: period.periodNumber, type: 'hard_declined', message: `Period ${period.periodNumber + 1}: declined for good — ${words}`, detail: { code, paymentId: attempt.id }, at: now }];
    if (schedule.status === 'ACTIVE' || schedule.status === 'PAST_DUE') {
      await tx.update(billingSchedules).set({ status: 'UNPAID', statusReason: reason, updatedAt: now }).where(eq(billingSchedules.id, schedule.id));
      events.push({ scheduleId: schedule.id, type: 'unpaid', message: reason, at: now });
    }
    await recordScheduleEvents(tx, events);
  });
}

interface PaidPeriod {
  period: SchedulePeriod;
  intentId: string;
  attempt: Payment;
}

/**
 * Paid periods settled several at once: the common case, a period paid while its schedule is ACTIVE with a next
 * period ahead, changes nothing on the schedule (no recovery, no completion), so it needs no lock on the schedule
 * and many such periods are moved charging → paid, with their timeline entries, in one statement (guarded on
 * status = charging, so a second settler writes nothing). The schedules are read FOR SHARE: a claim or a settlement
 * changing one at the same moment (a catch-up schedule's next period, its last one ending it) is waited for and
 * the state re-read, so "plainly ACTIVE" is never decided on a stale row. A period whose schedule is in any other state goes
 * through settlePeriod's transaction. Until its flush a paid period stays `charging`: if the process dies first,
 * settleStalePeriods finds its final attempt and settles it (nothing is charged twice).
 */
class PaidSettler {
  private buffer: PaidPeriod[] = [];
  private running: Promise<void> | null = null;
  private failure: unknown = null;
  /** Settling statements started (each holds its schedules FOR SHARE while it runs). */
  statements = 0;

  constructor(
    private readonly deps: BillingDeps,
    private readonly settings: DunningSettings,
    private readonly stats: BillingRunStats,
  ) {}

  /**
   * Group commit: one settling statement at a time; what is paid meanwhile goes into the next one. So a paid
   * period waits at most one statement, and the busier the run, the more periods each statement settles.
   */
  readonly settle: Settle = async (period, intentId, attempt) => {
    if (attempt.status !== 'SUCCEEDED') return settlePeriod(this.deps, this.settings, period, intentId, attempt, this.stats);
    this.buffer.push({ period, intentId, attempt });
    this.running ??= this.loop().finally(() => {
      this.running = null;
    });
  };

  get busy(): boolean {
    return this.running !== null;
  }

  /** Waits for every paid period handed over to be settled; throws what a settling statement threw. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    if (this.failure) throw this.failure;
  }

  private async loop(): Promise<void> {
    while (this.buffer.length > 0) {
      const paid = this.buffer.splice(0, 200);
      this.statements++;
      try {
        const outcome = await settlePaidPlainly(this.deps, paid, billingNow(this.deps));
        for (const p of paid) {
          const o = outcome.get(p.period.id);
          if (o === 'paid') this.stats.paid++;
          else if (o !== 'settled') await settlePeriod(this.deps, this.settings, p.period, p.intentId, p.attempt, this.stats);
        }
      } catch (error) {
        // Those periods stay charging; settleStalePeriods settles them from their final attempts later.
        this.failure ??= error;
      }
    }
  }
}

/**
 * The plain paid periods of `paid` settled in one statement; answers per period: 'paid' (moved here), 'settled'
 * (someone else wrote its one outcome) or absent (its schedule is not plainly ACTIVE: settlePeriod decides).
 */
async function settlePaidPlainly(deps: BillingDeps, paid: readonly PaidPeriod[], now: Date): Promise<Map<string, 'paid' | 'settled'>> {
  const at = now.toISOString();
  const rows = sql.join(
    paid.map(
      ({ period, intentId, attempt }) =>
        sql`(${period.id}::uuid, ${period.scheduleId}::uuid, ${period.periodNumber}::int, ${intentId}::uuid, ${`Period ${period.periodNumber + 1}: ${formatAmount(period.amountMinor, period.currency)} paid`}::text, ${jsonText({ paymentId: attempt.id })}::jsonb)`,
    ),
    sql`, `,
  );
  const answers = rowsOf<{ id: string; moved: boolean }>(
    await deps.db.execute(sql`
      with v(id, schedule_id, period_number, intent_id, paid, detail) as (values ${rows}),
      plain as (
        -- Each schedule by its key (a lateral lookup, not a join the planner may turn into a scan of every ACTIVE
        -- schedule when the table has no statistics yet).
        select v.* from v cross join lateral (
          select 1 from billing_schedules s where s.id = v.schedule_id and s.status = 'ACTIVE' and s.next_due_at is not null
          for share
        ) s
      ), moved as (
        update schedule_periods p
        set status = 'paid', intent_id = plain.intent_id, next_retry_at = null, updated_at = ${at}::timestamptz
        from plain
        where p.id = plain.id and p.status = 'charging'
        returning p.id, p.tries
      ), entry as (
        insert into schedule_events (schedule_id, period_number, type, message, detail, at)
        select plain.schedule_id, plain.period_number, 'period_paid',
          plain.paid || case when moved.tries > 1 then ' on try ' || moved.tries::text else '' end || '.', plain.detail, ${at}::timestamptz
        from moved join plain on plain.id = moved.id
        order by plain.schedule_id, plain.period_number
      )
      select plain.id, exists (select 1 from moved where moved.id = plain.id) as moved from plain`),
  );
  return new Map(answers.map((a) => [String(a.id), a.moved ? 'paid' : 'settled']));
}

async function completeIfDone(tx: Db, schedule: BillingSchedule, now: Date, events: ScheduleEventInput[]): Promise<void> {
  const [open] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from schedule_periods where schedule_id = ${schedule.id} and status in ('charging', 'retrying')`));
  if ((open?.n ?? 0) > 1) return; // the one being settled is still counted as charging
  await tx.update(billingSchedules).set({ status: 'COMPLETED', statusReason: 'Every period was billed.', updatedAt: now }).where(and(eq(billingSchedules.id, schedule.id), eq(billingSchedules.status, 'ACTIVE')));
  events.push({ scheduleId: schedule.id, type: 'completed', message: 'Completed: every period was billed.', at: now });
}

/**
 * Periods left charging past `staleAfterMs` (a worker died, or the payment was open when the run settled it):
 * charged if the current try never reached the charge, settled if its attempt is final.
 */
export async function settleStalePeriods(deps: BillingDeps, settings: DunningSettings, stats: BillingRunStats, options: BillingRunOptions = {}): Promise<void> {
  const now = billingNow(deps);
  const before = new Date(now.getTime() - (options.staleAfterMs ?? 120_000));
  for (;;) {
    // Touched (updated_at = now) as they are taken, so a concurrent run does not take them again meanwhile.
    const rows = rowsOf<Record<string, unknown>>(
      await deps.db.execute(sql`
        with stale as (
          select p.id, s.agreement_id as s_agreement_id, s.description as s_description
          from schedule_periods p join billing_schedules s on s.id = p.schedule_id
          where p.status = 'charging' and p.updated_at <= ${before.toISOString()}::timestamptz
          order by p.updated_at
          limit ${options.batchSize ?? DEFAULT_BATCH_SIZE}
          for update of p skip locked
        )
        update schedule_periods p set updated_at = ${now.toISOString()}::timestamptz
        from stale
        where p.id = stale.id
        returning p.*, stale.s_agreement_id, stale.s_description`),
    );
    const claimed = rows.map((raw) => ({ period: mapRow(schedulePeriods, raw), agreementId: String(raw.s_agreement_id), description: String(raw.s_description) }));
    if (claimed.length === 0) return;
    await inPool(claimed, options.concurrency ?? DEFAULT_CONCURRENCY, async (c) => {
      const found = await findIntentByKey(deps.db, c.period.businessKey);
      const latest = found?.attempts.at(-1);
      if (!found || !latest || found.attempts.length < c.period.tries) {
        await chargeClaimed(deps, settings, c, stats);
        return;
      }
      await settlePeriod(deps, settings, c.period, found.intent.id, latest, stats);
    });
    if (claimed.length < (options.batchSize ?? DEFAULT_BATCH_SIZE)) return;
  }
}
