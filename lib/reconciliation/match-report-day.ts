import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows-of';
import type { DiscrepancyKind } from '@/lib/db/schema';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';

export interface MatchResult {
  reportDate: string;
  /** The transaction details file matched, or null when that day's file has not arrived. */
  transactionFileId: string | null;
  /** Open discrepancies of the day after matching, by kind. */
  open: Partial<Record<DiscrepancyKind, number>>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** One check of a report row: the discrepancy kind, when it hits, and the report / ledger values shown. */
type Check = readonly [kind: DiscrepancyKind, hit: SQL, reportValue: SQL, ledgerValue: SQL];

/** The checks as VALUES rows (kind, hit, report_value, ledger_value) for a lateral join. */
function values(checks: readonly Check[]): SQL {
  return sql.join(
    checks.map(([kind, hit, reportValue, ledgerValue]) => sql`(${sql.raw(`'${kind}'`)}, ${hit}, (${reportValue})::text, (${ledgerValue})::text)`),
    sql`, `,
  );
}

/**
 * Any check hits: filters the joined rows before the lateral VALUES, so the report / ledger texts are built
 * for the few rows with a difference only. Without it every one of a million agreeing rows built seven
 * texts it then threw away: 27 of the bench's 33 s of matching.
 */
function anyHit(checks: readonly Check[]): SQL {
  return sql.join(checks.map(([, hit]) => sql`(${hit})`), sql` or `);
}

/** Ledger items this close to a GMT+8 midnight are looked for in the neighbouring day's file too. */
const NEAR_MIDNIGHT = "interval '15 minutes'";

/**
 * Matches one GMT+8 day of Antom's reports against the ledger, entirely in set-based SQL (one
 * INSERT … SELECT per side, no per-row loop, so a million rows cost a few hash joins):
 *
 * - transaction details PAYMENT/CANCEL rows ↔ payments, REFUND rows ↔ refunds, by transactionRequestId
 *   (our paymentRequestId / refundRequestId) or else transactionId (Antom's paymentId / refundId): rows we
 *   lack, amount / currency differences, status differences (a FAIL for a payment we hold SUCCEEDED, and the
 *   reverse), fees against the contracted rate in the settlement currency, the net against amount + fees,
 *   and a cross-currency row's converted amount against its quote;
 * - ledger payments, cancels and refunds whose **Antom time** (paymentTime / refundTime, else the time we
 *   learned the result) falls on that GMT+8 day ↔ the report (missing in report) — near midnight the
 *   neighbouring day's file is searched too, and an item is not called missing while that file has not
 *   arrived;
 * - each settlement batch: the details file's count, fees and net ↔ the summary's TOTAL row.
 * Types Daikou does not act on (fees, reserves, disputes …) are loaded and shown, never matched.
 *
 * Re-running is harmless: the day's OPEN discrepancies are recomputed in one transaction, and a
 * difference staff already resolved keeps its resolution (same dedupe key).
 */
export async function matchReportDay(db: Db, reportDate: string): Promise<MatchResult> {
  if (!DAY.test(reportDate)) throw new Error(`matchReportDay: "${reportDate}" is not a YYYY-MM-DD day`);
  const settings = await getMerchantSettings(db);
  const bps = settings.reconFeeRateBps;
  // The GMT+8 business day as an instant range (Antom's report days are GMT+8, §13).
  const startMs = Date.parse(`${reportDate}T00:00:00+08:00`);
  const start = new Date(startMs).toISOString();
  const end = new Date(startMs + 86_400_000).toISOString();
  const prevDay = new Date(startMs - 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
  const nextDay = new Date(startMs + 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
  const near = sql.raw(NEAR_MIDNIGHT);

  return db.transaction(async (tx) => {
    // JIT compiling these plans costs seconds per statement and saves nothing on hash joins.
    await tx.execute(sql`set local jit = off`);
    const files = await tx.execute(sql`
      select distinct on (report_date, coalesce(remote_path, file_name)) id, report_date from report_files
      where kind = 'transaction_details' and status = 'LOADED' and report_date in (${reportDate}, ${prevDay}, ${nextDay})
      order by report_date, coalesce(remote_path, file_name), created_at desc, id`);
    const byDay = rowsOf<{ id: string; report_date: string }>(files);
    const ids = byDay.filter((f) => f.report_date === reportDate).map((f) => f.id);
    const fileId = ids[0] ?? null;
    const hasPrev = byDay.some((f) => f.report_date === prevDay);
    const hasNext = byDay.some((f) => f.report_date === nextDay);
    const dayFiles = sql`(${sql.join(ids.length > 0 ? ids.map((id) => sql`${id}::uuid`) : [sql`null::uuid`], sql`, `)})`;
    const neighbours = byDay.filter((f) => f.report_date !== reportDate);
    const neighbourFiles = sql`(${sql.join(neighbours.length > 0 ? neighbours.map((f) => sql`${f.id}::uuid`) : [sql`null::uuid`], sql`, `)})`;
    const allFiles = sql`(${sql.join(byDay.length > 0 ? byDay.map((f) => sql`${f.id}::uuid`) : [sql`null::uuid`], sql`, `)})`;

    await tx.execute(sql`delete from recon_discrepancies where report_date = ${reportDate} and status = 'OPEN'`);

    if (fileId) {
      const paymentChecks: Check[] = [
        ['missing_in_ledger', sql`m.pid is null`, sql`m.amount_minor::text || ' ' || m.currency || case when m.report_status <> 'SUCCESS' then ' ' || m.report_status else '' end`, sql`null::text`],
        ['currency_mismatch', sql`m.pid is not null and m.currency <> m.p_currency`, sql`m.currency`, sql`m.p_currency`],
        ['amount_mismatch', sql`m.pid is not null and m.currency = m.p_currency and m.amount_minor <> m.p_amount`, sql`m.amount_minor::text`, sql`m.p_amount::text`],
        [
          'status_mismatch',
          sql`m.pid is not null and m.transaction_type = 'PAYMENT' and (
              (m.report_status = 'SUCCESS' and m.p_status not in ('SUCCEEDED', 'CANCELLED'))
              or (m.report_status <> 'SUCCESS' and m.p_status in ('SUCCEEDED', 'CANCELLED')))`,
          sql`m.report_status`,
          sql`m.p_status`,
        ],
        ['cancel_not_reflected', sql`m.pid is not null and m.transaction_type = 'CANCEL' and m.report_status = 'SUCCESS' and m.p_status <> 'CANCELLED'`, sql`'CANCEL'`, sql`m.p_status`],
        [
          'fee_unexpected',
          sql`m.report_status = 'SUCCESS' and m.fee_minor is not null and (
              (m.transaction_type = 'PAYMENT' and (m.fee_minor > 0 or (m.gross is not null and -m.fee_minor > m.gross)
                  or (${bps}::bigint is not null and m.gross is not null and -m.fee_minor <> (m.gross * ${bps}::bigint + 5000) / 10000)))
              or (m.transaction_type = 'CANCEL' and m.gross is not null and m.fee_minor > -m.gross))`,
          sql`m.fee_minor::text || ' ' || coalesce(m.fee_currency, '')`,
          sql`case when ${bps}::bigint is not null and m.transaction_type = 'PAYMENT' and m.gross is not null then (-((m.gross * ${bps}::bigint + 5000) / 10000))::text || ' expected' else null end`,
        ],
        [
          'settlement_unexpected',
          sql`m.report_status = 'SUCCESS' and (
              (m.gross is not null and m.net is not null and m.net <> m.gross + coalesce(m.fee_minor, 0))
              or (m.gross is not null and m.settlement_currency = m.currency
                  and m.gross <> case when m.transaction_type = 'PAYMENT' then m.amount_minor else -m.amount_minor end)
              or (m.gross is not null and m.quote_expected_minor is not null and abs(m.gross - m.quote_expected_minor) > 1))`,
          sql`'net ' || coalesce(m.net::text, '-') || ', amount ' || coalesce(m.gross::text, '-') || ', fees ' || coalesce(m.fee_minor::text, '0') || ' ' || coalesce(m.settlement_currency, '')`,
          sql`case when m.quote_expected_minor is not null then m.quote_expected_minor::text || ' by the quote' else
              (case when m.transaction_type = 'PAYMENT' then m.amount_minor else -m.amount_minor end)::text || ' expected, net = amount + fees' end`,
        ],
      ];
      const refundChecks: Check[] = [
        ['missing_in_ledger', sql`m.fid is null`, sql`m.amount_minor::text || ' ' || m.currency || case when m.report_status <> 'SUCCESS' then ' ' || m.report_status else '' end`, sql`null::text`],
        ['currency_mismatch', sql`m.fid is not null and m.currency <> m.f_currency`, sql`m.currency`, sql`m.f_currency`],
        ['amount_mismatch', sql`m.fid is not null and m.currency = m.f_currency and m.amount_minor <> m.f_amount`, sql`m.amount_minor::text`, sql`m.f_amount::text`],
        ['refund_not_reflected', sql`m.fid is not null and m.report_status = 'SUCCESS' and m.f_status <> 'SUCCEEDED'`, sql`'SUCCESS'`, sql`m.f_status`],
        ['status_mismatch', sql`m.fid is not null and m.report_status <> 'SUCCESS' and m.f_status = 'SUCCEEDED'`, sql`m.report_status`, sql`m.f_status`],
        ['fee_unexpected', sql`m.report_status = 'SUCCESS' and m.fee_minor is not null and m.gross is not null and m.fee_minor > -m.gross`, sql`m.fee_minor::text || ' ' || coalesce(m.fee_currency, '')`, sql`null::text`],
        [
          'settlement_unexpected',
          sql`m.report_status = 'SUCCESS' and (
              (m.gross is not null and m.net is not null and m.net <> m.gross + coalesce(m.fee_minor, 0))
              or (m.gross is not null and m.settlement_currency = m.currency and m.gross <> -m.amount_minor)
              or (m.gross is not null and m.quote_expected_minor is not null and abs(m.gross - m.quote_expected_minor) > 1))`,
          sql`'net ' || coalesce(m.net::text, '-') || ', amount ' || coalesce(m.gross::text, '-') || ', fees ' || coalesce(m.fee_minor::text, '0') || ' ' || coalesce(m.settlement_currency, '')`,
          sql`case when m.quote_expected_minor is not null then m.quote_expected_minor::text || ' by the quote' else (-m.amount_minor)::text || ' expected, net = amount + fees' end`,
        ],
      ];

      // Report PAYMENT / CANCEL rows against payments.
      await tx.execute(sql`
        insert into recon_discrepancies (dedupe_key, kind, report_date, report_row_id, payment_id, transaction_request_id, currency, report_value, ledger_value)
        select ${reportDate} || ':' || k.kind || ':' || m.transaction_type || ':' || coalesce(m.transaction_request_id, m.transaction_id),
               k.kind::recon_discrepancy_kind, ${reportDate}, m.rid, m.pid, m.transaction_request_id, m.currency, k.report_value, k.ledger_value
        from (
          select r.id as rid, r.transaction_type, r.transaction_id, r.transaction_request_id, coalesce(r.transaction_status, 'SUCCESS') as report_status,
                 r.amount_minor, r.currency, r.fee_minor, r.fee_currency, r.gross_settlement_minor as gross, r.net_settlement_minor as net,
                 r.settlement_currency, r.quote_expected_minor,
                 coalesce(p1.id, p2.id) as pid, coalesce(p1.amount_minor, p2.amount_minor) as p_amount,
                 coalesce(p1.currency, p2.currency) as p_currency, coalesce(p1.status, p2.status)::text as p_status
          from report_rows r
          left join payments p1 on p1.payment_request_id = r.transaction_request_id
          left join payments p2 on p1.id is null and p2.payment_id = r.transaction_id
          where r.file_id in ${dayFiles} and r.transaction_type in ('PAYMENT', 'CANCEL')
        ) m
        cross join lateral (values
          ${values(paymentChecks)}
        ) as k(kind, hit, report_value, ledger_value)
        where (${anyHit(paymentChecks)}) and k.hit
        on conflict (dedupe_key) do nothing`);

      // Report REFUND rows against refunds.
      await tx.execute(sql`
        insert into recon_discrepancies (dedupe_key, kind, report_date, report_row_id, payment_id, refund_id, transaction_request_id, currency, report_value, ledger_value)
        select ${reportDate} || ':' || k.kind || ':REFUND:' || coalesce(m.transaction_request_id, m.transaction_id),
               k.kind::recon_discrepancy_kind, ${reportDate}, m.rid, m.payment_id, m.fid, m.transaction_request_id, m.currency, k.report_value, k.ledger_value
        from (
          select r.id as rid, r.transaction_id, r.transaction_request_id, coalesce(r.transaction_status, 'SUCCESS') as report_status,
                 r.amount_minor, r.currency, r.fee_minor, r.fee_currency,
                 r.gross_settlement_minor as gross, r.net_settlement_minor as net, r.settlement_currency, r.quote_expected_minor,
                 coalesce(f1.id, f2.id) as fid, coalesce(f1.payment_id, f2.payment_id) as payment_id,
                 coalesce(f1.amount_minor, f2.amount_minor) as f_amount, coalesce(f1.currency, f2.currency) as f_currency,
                 coalesce(f1.status, f2.status)::text as f_status
          from report_rows r
          left join refunds f1 on f1.refund_request_id = r.transaction_request_id
          left join refunds f2 on f1.id is null and f2.refund_id = r.transaction_id
          where r.file_id in ${dayFiles} and r.transaction_type = 'REFUND'
        ) m
        cross join lateral (values
          ${values(refundChecks)}
        ) as k(kind, hit, report_value, ledger_value)
        where (${anyHit(refundChecks)}) and k.hit
        on conflict (dedupe_key) do nothing`);

      // Ledger → report: what Antom did that day (its own time, GMT+8) but did not report. Near midnight the
      // neighbouring day's file is searched too, and nothing is called missing while that file is absent.
      await tx.execute(sql`
        insert into recon_discrepancies (dedupe_key, kind, report_date, payment_id, transaction_request_id, currency, report_value, ledger_value)
        select ${reportDate} || ':missing_in_report:PAYMENT:' || p.payment_request_id, 'missing_in_report'::recon_discrepancy_kind, ${reportDate}, p.id, p.payment_request_id,
               p.currency, null::text, 'PAYMENT ' || p.amount_minor::text || ' ' || p.currency
        from (
          select p.*, coalesce(p.payment_time, p.succeeded_at) as antom_at from payments p
          where p.status in ('SUCCEEDED', 'CANCELLED')
            and ((p.payment_time >= ${start}::timestamptz and p.payment_time < ${end}::timestamptz)
              or (p.payment_time is null and p.succeeded_at >= ${start}::timestamptz and p.succeeded_at < ${end}::timestamptz))
        ) p
        where not (p.antom_at < ${start}::timestamptz + ${near} and not ${hasPrev}::boolean) and not (p.antom_at >= ${end}::timestamptz - ${near} and not ${hasNext}::boolean)
          and not exists (select 1 from report_rows r where r.file_id in ${dayFiles} and r.transaction_type = 'PAYMENT' and r.transaction_request_id = p.payment_request_id)
          -- No "payment_id is null or …" here: a null never equals a transactionId, and the OR turned this anti-join
          -- into a per-row sequential scan of the report (quadratic: a 300,000-row day ran for over ten minutes).
          and not exists (select 1 from report_rows r where r.file_id in ${dayFiles} and r.transaction_type = 'PAYMENT' and r.transaction_id = p.payment_id)
          and not ((p.antom_at < ${start}::timestamptz + ${near} or p.antom_at >= ${end}::timestamptz - ${near})
                   and exists (select 1 from report_rows r where r.file_id in ${neighbourFiles} and r.transaction_type = 'PAYMENT'
                               and (r.transaction_request_id = p.payment_request_id or r.transaction_id = p.payment_id)))
        union all
        select ${reportDate} || ':missing_in_report:CANCEL:' || p.payment_request_id, 'missing_in_report'::recon_discrepancy_kind, ${reportDate}, p.id, p.payment_request_id,
               p.currency, null::text, 'CANCEL ' || p.amount_minor::text || ' ' || p.currency
        from payments p
        where p.cancelled_at >= ${start}::timestamptz and p.cancelled_at < ${end}::timestamptz and p.status = 'CANCELLED' and p.succeeded_at is not null
          and not exists (select 1 from report_rows r where r.file_id in ${allFiles} and r.transaction_type = 'CANCEL' and r.transaction_request_id = p.payment_request_id)
          and not exists (select 1 from report_rows r where r.file_id in ${allFiles} and r.transaction_type = 'CANCEL' and r.transaction_id = p.payment_id)
        on conflict (dedupe_key) do nothing`);
      await tx.execute(sql`
        insert into recon_discrepancies (dedupe_key, kind, report_date, payment_id, refund_id, transaction_request_id, currency, report_value, ledger_value)
        select ${reportDate} || ':missing_in_report:REFUND:' || f.refund_request_id, 'missing_in_report'::recon_discrepancy_kind, ${reportDate}, f.payment_id, f.id,
               f.refund_request_id, f.currency, null::text, 'REFUND ' || f.amount_minor::text || ' ' || f.currency
        from (
          select f.*, coalesce(f.refund_time, f.settled_at) as antom_at from refunds f
          where f.status = 'SUCCEEDED'
            and ((f.refund_time >= ${start}::timestamptz and f.refund_time < ${end}::timestamptz)
              or (f.refund_time is null and f.settled_at >= ${start}::timestamptz and f.settled_at < ${end}::timestamptz))
        ) f
        where not (f.antom_at < ${start}::timestamptz + ${near} and not ${hasPrev}::boolean) and not (f.antom_at >= ${end}::timestamptz - ${near} and not ${hasNext}::boolean)
          and not exists (select 1 from report_rows r where r.file_id in ${dayFiles} and r.transaction_type = 'REFUND' and r.transaction_request_id = f.refund_request_id)
          and not exists (select 1 from report_rows r where r.file_id in ${dayFiles} and r.transaction_type = 'REFUND' and r.transaction_id = f.refund_id)
          and not ((f.antom_at < ${start}::timestamptz + ${near} or f.antom_at >= ${end}::timestamptz - ${near})
                   and exists (select 1 from report_rows r where r.file_id in ${neighbourFiles} and r.transaction_type = 'REFUND'
                               and (r.transaction_request_id = f.refund_request_id or r.transaction_id = f.refund_id)))
        on conflict (dedupe_key) do nothing`);
    }

    // Each settlement batch of the day: the details file must add up to the summary's TOTAL row.
    await tx.execute(sql`
      with summary_files as (
        select distinct on (settlement_batch_id) id, settlement_batch_id from report_files
        where kind = 'settlement_summary' and status = 'LOADED' and report_date = ${reportDate}
        order by settlement_batch_id, created_at desc, id
      ), totals as (
        select f.settlement_batch_id as batch, r.settlement_currency as cur, r.transaction_count::bigint as cnt,
               r.fee_minor as fee, r.net_settlement_minor as net
        from summary_files f join report_rows r on r.file_id = f.id where r.summary_type = 'TOTAL'
      ), detail_files as (
        select distinct on (settlement_batch_id) id, settlement_batch_id from report_files
        where kind = 'settlement_details' and status = 'LOADED' and settlement_batch_id in (select batch from totals)
        order by settlement_batch_id, created_at desc, id
      ), sums as (
        select f.settlement_batch_id as batch, r.settlement_currency as cur, count(*)::bigint as cnt,
               coalesce(sum(r.fee_minor), 0)::bigint as fee, coalesce(sum(r.net_settlement_minor), 0)::bigint as net
        from detail_files f join report_rows r on r.file_id = f.id group by 1, 2
      )
      insert into recon_discrepancies (dedupe_key, kind, report_date, settlement_batch_id, currency, report_value, ledger_value)
      select ${reportDate} || ':batch_total_mismatch:' || t.batch || ':' || t.cur, 'batch_total_mismatch'::recon_discrepancy_kind, ${reportDate}, t.batch, t.cur,
             'summary: ' || t.cnt || ' rows, fees ' || t.fee || ', net ' || t.net,
             case when s.batch is null and not exists (select 1 from detail_files d where d.settlement_batch_id = t.batch) then 'details file not received'
                  else 'details: ' || coalesce(s.cnt, 0) || ' rows, fees ' || coalesce(s.fee, 0) || ', net ' || coalesce(s.net, 0) end
      from totals t left join sums s on s.batch = t.batch and s.cur = t.cur
      where (t.cnt, t.fee, t.net) is distinct from (coalesce(s.cnt, 0), coalesce(s.fee, 0), coalesce(s.net, 0))
        -- an empty batch (zero totals) needs no details file
        and not (t.cnt = 0 and t.net = 0 and s.batch is null)
      on conflict (dedupe_key) do nothing`);

    const counts = await tx.execute(sql`
      select kind, count(*) as n from recon_discrepancies where report_date = ${reportDate} and status = 'OPEN' group by kind`);
    const open: Partial<Record<DiscrepancyKind, number>> = {};
    for (const row of rowsOf<{ kind: DiscrepancyKind; n: number | string }>(counts)) open[row.kind] = Number(row.n);
    return { reportDate, transactionFileId: fileId, open };
  });
}
