import { sql } from 'drizzle-orm';
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

/**
 * Matches one GMT+8 business day of Antom's reports against the ledger, entirely in set-based SQL (one
 * INSERT … SELECT per side, no per-row loop, so a million rows cost a few hash joins):
 *
 * - transaction details PAYMENT/CANCEL rows ↔ payments, REFUND rows ↔ refunds, by transactionRequestId
 *   (our paymentRequestId / refundRequestId) or else transactionId (Antom's paymentId / refundId);
 * - ledger payments, cancels and refunds that became final that day ↔ the report (missing in report);
 * - each settlement batch: the details file's sums ↔ the summary's TOTAL row.
 *
 * Re-running is harmless: the day's OPEN discrepancies are recomputed in one transaction, and a
 * difference staff already resolved keeps its resolution (same dedupe key).
 */
export async function matchReportDay(db: Db, reportDate: string): Promise<MatchResult> {
  if (!DAY.test(reportDate)) throw new Error(`matchReportDay: "${reportDate}" is not a YYYY-MM-DD day`);
  const settings = await getMerchantSettings(db);
  const bps = settings.reconFeeRateBps;
  // The GMT+8 business day as an instant range (Antom's report days are GMT+8, §13).
  const start = new Date(`${reportDate}T00:00:00+08:00`).toISOString();
  const end = new Date(Date.parse(`${reportDate}T00:00:00+08:00`) + 86_400_000).toISOString();

  return db.transaction(async (tx) => {
    // JIT compiling these plans costs seconds per statement and saves nothing on hash joins.
    await tx.execute(sql`set local jit = off`);
    const files = await tx.execute(sql`
      select id from report_files
      where kind = 'transaction_details' and status = 'LOADED' and report_date = ${reportDate}
      order by created_at desc, id limit 1`);
    const fileId = rowsOf<{ id: string }>(files)[0]?.id ?? null;

    await tx.execute(sql`delete from recon_discrepancies where report_date = ${reportDate} and status = 'OPEN'`);

    if (fileId) {
      // Report PAYMENT / CANCEL rows against payments.
      await tx.execute(sql`
        insert into recon_discrepancies (dedupe_key, kind, report_date, report_row_id, payment_id, transaction_request_id, currency, report_value, ledger_value)
        select ${reportDate} || ':' || k.kind || ':' || m.transaction_type || ':' || coalesce(m.transaction_request_id, m.transaction_id),
               k.kind::recon_discrepancy_kind, ${reportDate}, m.rid, m.pid, m.transaction_request_id, m.currency, k.report_value, k.ledger_value
        from (
          select r.id as rid, r.transaction_type, r.transaction_id, r.transaction_request_id, coalesce(r.transaction_status, 'SUCCESS') as report_status,
                 r.amount_minor, r.currency, r.fee_minor, r.fee_currency, r.gross_settlement_minor, r.settlement_currency,
                 coalesce(p1.id, p2.id) as pid, coalesce(p1.amount_minor, p2.amount_minor) as p_amount,
                 coalesce(p1.currency, p2.currency) as p_currency, coalesce(p1.status, p2.status)::text as p_status
          from report_rows r
          left join payments p1 on p1.payment_request_id = r.transaction_request_id
          left join payments p2 on p1.id is null and p2.payment_id = r.transaction_id
          where r.file_id = ${fileId} and r.transaction_type in ('PAYMENT', 'CANCEL')
        ) m
        cross join lateral (values
          ('missing_in_ledger', m.pid is null, m.amount_minor::text || ' ' || m.currency, null::text),
          ('currency_mismatch', m.pid is not null and m.currency <> m.p_currency, m.currency, m.p_currency),
          ('amount_mismatch', m.pid is not null and m.currency = m.p_currency and m.amount_minor <> m.p_amount, m.amount_minor::text, m.p_amount::text),
          ('status_mismatch', m.pid is not null and m.transaction_type = 'PAYMENT' and (
              (m.report_status = 'SUCCESS' and m.p_status not in ('SUCCEEDED', 'CANCELLED'))
              or (m.report_status <> 'SUCCESS' and m.p_status in ('SUCCEEDED', 'CANCELLED'))), m.report_status, m.p_status),
          ('cancel_not_reflected', m.pid is not null and m.transaction_type = 'CANCEL' and m.p_status <> 'CANCELLED', 'CANCEL', m.p_status),
          ('fee_unexpected', m.fee_minor is not null and (
              (m.fee_currency <> m.currency and m.settlement_currency = m.currency)
              or (m.transaction_type = 'PAYMENT' and (m.fee_minor < 0 or m.fee_minor > m.amount_minor
                  or (${bps}::bigint is not null and m.fee_minor <> (m.amount_minor * ${bps}::bigint + 5000) / 10000)))
              or (m.transaction_type = 'CANCEL' and (m.fee_minor > 0 or m.fee_minor < -m.amount_minor))),
            m.fee_minor::text || ' ' || m.fee_currency,
            case when ${bps}::bigint is not null and m.transaction_type = 'PAYMENT' then ((m.amount_minor * ${bps}::bigint + 5000) / 10000)::text || ' expected' else null end),
          ('settlement_unexpected', m.gross_settlement_minor is not null and m.settlement_currency = m.currency
              and m.gross_settlement_minor <> case when m.transaction_type = 'PAYMENT' then m.amount_minor else -m.amount_minor end,
            m.gross_settlement_minor::text, (case when m.transaction_type = 'PAYMENT' then m.amount_minor else -m.amount_minor end)::text || ' expected')
        ) as k(kind, hit, report_value, ledger_value)
        where k.hit
        on conflict (dedupe_key) do nothing`);

      // Report REFUND rows against refunds.
      await tx.execute(sql`
        insert into recon_discrepancies (dedupe_key, kind, report_date, report_row_id, payment_id, refund_id, transaction_request_id, currency, report_value, ledger_value)
        select ${reportDate} || ':' || k.kind || ':REFUND:' || coalesce(m.transaction_request_id, m.transaction_id),
               k.kind::recon_discrepancy_kind, ${reportDate}, m.rid, m.payment_id, m.fid, m.transaction_request_id, m.currency, k.report_value, k.ledger_value
        from (
          select r.id as rid, r.transaction_id, r.transaction_request_id, r.amount_minor, r.currency, r.fee_minor, r.fee_currency,
                 r.gross_settlement_minor, r.settlement_currency,
                 coalesce(f1.id, f2.id) as fid, coalesce(f1.payment_id, f2.payment_id) as payment_id,
                 coalesce(f1.amount_minor, f2.amount_minor) as f_amount, coalesce(f1.currency, f2.currency) as f_currency,
                 coalesce(f1.status, f2.status)::text as f_status
          from report_rows r
          left join refunds f1 on f1.refund_request_id = r.transaction_request_id
          left join refunds f2 on f1.id is null and f2.refund_id = r.transaction_id
          where r.file_id = ${fileId} and r.transaction_type = 'REFUND'
        ) m
        cross join lateral (values
          ('missing_in_ledger', m.fid is null, m.amount_minor::text || ' ' || m.currency, null::text),
          ('currency_mismatch', m.fid is not null and m.currency <> m.f_currency, m.currency, m.f_currency),
          ('amount_mismatch', m.fid is not null and m.currency = m.f_currency and m.amount_minor <> m.f_amount, m.amount_minor::text, m.f_amount::text),
          ('refund_not_reflected', m.fid is not null and m.f_status <> 'SUCCEEDED', 'SUCCESS', m.f_status),
          ('fee_unexpected', m.fee_minor is not null and (m.fee_minor > 0 or m.fee_minor < -m.amount_minor
              or (m.fee_currency <> m.currency and m.settlement_currency = m.currency)), m.fee_minor::text || ' ' || m.fee_currency, null),
          ('settlement_unexpected', m.gross_settlement_minor is not null and m.settlement_currency = m.currency and m.gross_settlement_minor <> -m.amount_minor,
            m.gross_settlement_minor::text, (-m.amount_minor)::text || ' expected')
        ) as k(kind, hit, report_value, ledger_value)
        where k.hit
        on conflict (dedupe_key) do nothing`);

      // Ledger → report: what became final on our side that day but Antom did not report.
      await tx.execute(sql`
        insert into recon_discrepancies (dedupe_key, kind, report_date, payment_id, transaction_request_id, currency, report_value, ledger_value)
        select ${reportDate} || ':missing_in_report:PAYMENT:' || p.payment_request_id, 'missing_in_report'::recon_discrepancy_kind, ${reportDate}, p.id, p.payment_request_id,
               p.currency, null::text, 'PAYMENT ' || p.amount_minor::text || ' ' || p.currency
        from payments p
        where p.succeeded_at >= ${start}::timestamptz and p.succeeded_at < ${end}::timestamptz and p.status in ('SUCCEEDED', 'CANCELLED')
          and not exists (select 1 from report_rows r where r.file_id = ${fileId} and r.transaction_type = 'PAYMENT' and r.transaction_request_id = p.payment_request_id)
          -- No "payment_id is null or …" here: a null never equals a transactionId, and the OR turned this anti-join
          -- into a per-row sequential scan of the report (quadratic: a 300,000-row day ran for over ten minutes).
          and not exists (select 1 from report_rows r where r.file_id = ${fileId} and r.transaction_type = 'PAYMENT' and r.transaction_id = p.payment_id)
        union all
        select ${reportDate} || ':missing_in_report:CANCEL:' || p.payment_request_id, 'missing_in_report'::recon_discrepancy_kind, ${reportDate}, p.id, p.payment_request_id,
               p.currency, null::text, 'CANCEL ' || p.amount_minor::text || ' ' || p.currency
        from payments p
        where p.cancelled_at >= ${start}::timestamptz and p.cancelled_at < ${end}::timestamptz and p.status = 'CANCELLED' and p.succeeded_at is not null
          and not exists (select 1 from report_rows r where r.file_id = ${fileId} and r.transaction_type = 'CANCEL' and r.transaction_request_id = p.payment_request_id)
        on conflict (dedupe_key) do nothing`);
      await tx.execute(sql`
        insert into recon_discrepancies (dedupe_key, kind, report_date, payment_id, refund_id, transaction_request_id, currency, report_value, ledger_value)
        select ${reportDate} || ':missing_in_report:REFUND:' || f.refund_request_id, 'missing_in_report'::recon_discrepancy_kind, ${reportDate}, f.payment_id, f.id,
               f.refund_request_id, f.currency, null::text, 'REFUND ' || f.amount_minor::text || ' ' || f.currency
        from refunds f
        where f.status = 'SUCCEEDED' and f.settled_at >= ${start}::timestamptz and f.settled_at < ${end}::timestamptz
          and not exists (select 1 from report_rows r where r.file_id = ${fileId} and r.transaction_type = 'REFUND' and r.transaction_request_id = f.refund_request_id)
          and not exists (select 1 from report_rows r where r.file_id = ${fileId} and r.transaction_type = 'REFUND' and r.transaction_id = f.refund_id)
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
               r.gross_settlement_minor as gross, r.fee_minor as fee, r.net_settlement_minor as net
        from summary_files f join report_rows r on r.file_id = f.id where r.summary_type = 'TOTAL'
      ), detail_files as (
        select distinct on (settlement_batch_id) id, settlement_batch_id from report_files
        where kind = 'settlement_details' and status = 'LOADED' and settlement_batch_id in (select batch from totals)
        order by settlement_batch_id, created_at desc, id
      ), sums as (
        select f.settlement_batch_id as batch, r.settlement_currency as cur, count(*)::bigint as cnt,
               sum(r.gross_settlement_minor)::bigint as gross, sum(r.fee_minor)::bigint as fee, sum(r.net_settlement_minor)::bigint as net
        from detail_files f join report_rows r on r.file_id = f.id group by 1, 2
      )
      insert into recon_discrepancies (dedupe_key, kind, report_date, settlement_batch_id, currency, report_value, ledger_value)
      select ${reportDate} || ':batch_total_mismatch:' || t.batch || ':' || t.cur, 'batch_total_mismatch'::recon_discrepancy_kind, ${reportDate}, t.batch, t.cur,
             'summary: ' || t.cnt || ' rows, gross ' || t.gross || ', fee ' || t.fee || ', net ' || t.net,
             case when s.batch is null and not exists (select 1 from detail_files d where d.settlement_batch_id = t.batch) then 'details file not received'
                  else 'details: ' || coalesce(s.cnt, 0) || ' rows, gross ' || coalesce(s.gross, 0) || ', fee ' || coalesce(s.fee, 0) || ', net ' || coalesce(s.net, 0) end
      from totals t left join sums s on s.batch = t.batch and s.cur = t.cur
      where (t.cnt, t.gross, t.fee, t.net) is distinct from (coalesce(s.cnt, 0), coalesce(s.gross, 0), coalesce(s.fee, 0), coalesce(s.net, 0))
      on conflict (dedupe_key) do nothing`);

    const counts = await tx.execute(sql`
      select kind, count(*) as n from recon_discrepancies where report_date = ${reportDate} and status = 'OPEN' group by kind`);
    const open: Partial<Record<DiscrepancyKind, number>> = {};
    for (const row of rowsOf<{ kind: DiscrepancyKind; n: number | string }>(counts)) open[row.kind] = Number(row.n);
    return { reportDate, transactionFileId: fileId, open };
  });
}
