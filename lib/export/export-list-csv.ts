import { queryAgreements, countAgreements } from '@/lib/agreements/list-agreements';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { countCustomers, queryCustomers } from '@/lib/customers/list-customers';
import type { Db } from '@/lib/db/client';
import type { ListFilters } from '@/lib/lists/parse-list-filters';
import { formatAmount, toMajorString } from '@/lib/money';
import { isoInZone } from '@/lib/time/zone';
import { countPayments } from '@/lib/payments/list-payments';
import { createPaymentExportReader } from './export-payments-batch';
import { countRefunds, queryRefunds } from '@/lib/refunds/list-refunds';
import { countSchedules, querySchedules } from '@/lib/schedules/list-schedules';

export const EXPORT_LISTS = ['payments', 'refunds', 'agreements', 'customers', 'schedules'] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];

export function isExportList(value: unknown): value is ExportList {
  return typeof value === 'string' && (EXPORT_LISTS as readonly string[]).includes(value);
}

/**
 * Rows per database round trip: big enough to amortise the query, small enough to keep memory flat. Measured on
 * a million payments (bench/dashboard-lists.bench.ts, quiet machine): 5,000 → 12.1 s, peak RSS 312 MB; 2,000 →
 * 11.1 s, 285 MB; 1,000 → 11.6 s, 271 MB (the process started at ~160 MB).
 */
export const EXPORT_BATCH = 1000;

type Cell = string | bigint | Date | null | undefined;

/**
 * Text a spreadsheet would run as a formula: starting (after any spaces) with = + - @, their full-width
 * forms ＝ ＋ － ＠ (spreadsheets in CJK locales read them as the ASCII ones), a tab or a CR (OWASP CSV injection).
 */
export const FORMULA_START = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;

/**
 * One CSV field (RFC 4180). Text that a spreadsheet would run as a formula (FORMULA_START) is prefixed
 * with an apostrophe: customer names and references are typed by people.
 */
export function csvField(value: Cell, isText = true, zone?: string): string {
  if (value === null || value === undefined) return '';
  // Times: ISO 8601 with the offset of the viewer's zone (2026-03-02T07:30:00+08:00), so a spreadsheet sees their day.
  let s = value instanceof Date ? (zone ? isoInZone(value, zone) : value.toISOString()) : String(value);
  if (isText && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function amountCells(minor: bigint, currency: string): string[] {
  // Minor units for machines, the exact decimal for spreadsheets, the formatted text for people.
  return [minor.toString(), toMajorString(minor, currency), csvField(formatAmount(minor, currency, 'en-US'))];
}

/** A fetched batch; rendering is deferred so the next batch's query runs while this one is turned into CSV. */
interface Batch {
  lines: () => string[];
  nextCursor: string | null;
}

interface Exporter {
  header: string[];
  /** One export's batch reader (it may keep per-export caches). */
  reader(db: Db): (filters: ListFilters) => Promise<Batch>;
  count(db: Db, filters: ListFilters): Promise<number>;
}

/** Wraps a stateless batch function as a reader. */
const stateless =
  (batch: (db: Db, filters: ListFilters) => Promise<Batch>) =>
  (db: Db) =>
  (filters: ListFilters) =>
    batch(db, filters);

const EXPORTERS: Record<ExportList, Exporter> = {
  payments: {
    header: ['id', 'created_at', 'status', 'wallet', 'currency', 'amount_minor', 'amount', 'amount_formatted', 'refunded_minor', 'payment_request_id', 'payment_id', 'reference_order_id', 'customer_reference', 'customer_name', 'initiator', 'initiated_by', 'failure_code'],
    reader(db) {
      const read = createPaymentExportReader(db);
      return async (filters) => {
        const page = await read(filters, EXPORT_BATCH);
        return {
          nextCursor: page.nextCursor,
          lines: () => page.items.map((p) =>
            [p.id, csvField(p.createdAt, false, filters.zone), p.status, p.paymentMethod, p.currency, ...amountCells(p.amountMinor, p.currency), p.refundedMinor.toString(), csvField(p.paymentRequestId), csvField(p.paymentId), csvField(p.referenceOrderId), csvField(p.customerReference), csvField(p.customerName), p.initiator, csvField(p.initiatedByEmail), csvField(p.failureCode)].join(','),
          ),
        };
      };
    },
    count: countPayments,
  },
  refunds: {
    header: ['id', 'created_at', 'status', 'wallet', 'currency', 'amount_minor', 'amount', 'amount_formatted', 'refund_request_id', 'refund_id', 'payment_request_id', 'customer_reference', 'customer_name', 'reason', 'initiated_by', 'failure_code'],
    reader: stateless(async (db, filters) => {
      const page = await queryRefunds(db, filters, EXPORT_BATCH, EXPORT_BATCH);
      return {
        nextCursor: page.nextCursor,
        lines: () => page.items.map((r) =>
          [r.id, csvField(r.createdAt, false, filters.zone), r.status, r.paymentMethod, r.currency, ...amountCells(r.amountMinor, r.currency), csvField(r.refundRequestId), csvField(r.refundId), csvField(r.paymentRequestId), csvField(r.customerReference), csvField(r.customerName), csvField(r.reason), csvField(r.initiatedByEmail), csvField(r.failureCode)].join(','),
        ),
      };
    }),
    count: countRefunds,
  },
  agreements: {
    header: ['id', 'created_at', 'status', 'wallet', 'customer_reference', 'customer_name', 'wallet_login_masked', 'activated_at', 'access_token_expires_at'],
    reader: stateless(async (db, filters) => {
      const page = await queryAgreements(db, filters, EXPORT_BATCH, { maxLimit: EXPORT_BATCH });
      return {
        nextCursor: page.nextCursor,
        lines: () => page.items.map((a) => [a.id, csvField(a.createdAt, false, filters.zone), a.status, a.paymentMethod, csvField(a.customerReference), csvField(a.customerName), csvField(a.userLoginIdMasked), csvField(a.activatedAt, false, filters.zone), csvField(a.accessTokenExpiresAt, false, filters.zone)].join(',')),
      };
    }),
    count: countAgreements,
  },
  customers: {
    header: ['id', 'created_at', 'reference', 'name', 'email', 'country', 'preferred_language'],
    reader: stateless(async (db, filters) => {
      const page = await queryCustomers(db, filters, EXPORT_BATCH, EXPORT_BATCH);
      return {
        nextCursor: page.nextCursor,
        lines: () => page.items.map((c) => [c.id, csvField(c.createdAt, false, filters.zone), csvField(c.reference), csvField(c.name), csvField(c.email), csvField(c.country), csvField(c.preferredLanguage)].join(',')),
      };
    }),
    count: countCustomers,
  },
  schedules: {
    // next_due_at and created_at in the viewer's zone with its offset; time_zone is the schedule's own anchor zone.
    header: ['id', 'created_at', 'status', 'status_reason', 'wallet', 'currency', 'amount_minor', 'amount', 'amount_formatted', 'interval', 'anchor_day', 'time_zone', 'next_due_at', 'description', 'agreement_id', 'customer_reference', 'customer_name'],
    reader: stateless(async (db, filters) => {
      const page = await querySchedules(db, filters, EXPORT_BATCH, { maxLimit: EXPORT_BATCH });
      return {
        nextCursor: page.nextCursor,
        lines: () =>
          page.items.map((s) =>
            [
              s.id,
              csvField(s.createdAt, false, filters.zone),
              s.status,
              csvField(s.statusReason),
              s.paymentMethod,
              s.currency,
              ...amountCells(s.amountMinor, s.currency),
              `${s.intervalCount} ${s.intervalUnit}`,
              s.anchorDay === null ? '' : String(s.anchorDay),
              csvField(s.timeZone),
              csvField(s.nextDueAt, false, filters.zone),
              csvField(s.description),
              s.agreementId,
              csvField(s.customerReference),
              csvField(s.customerName),
            ].join(','),
          ),
      };
    }),
    count: countSchedules,
  },
};

/** How many rows an export of this filtered list will have (shown before the download starts). */
export async function countExportRows(db: Db, actor: Pick<Actor, 'role'>, list: ExportList, filters: ListFilters): Promise<number> {
  assertCan(actor, 'dashboard.read');
  return EXPORTERS[list].count(db, { ...filters, after: null });
}

/**
 * The filtered list as a CSV byte stream, read from the database in keyset batches of EXPORT_BATCH rows
 * as the client consumes it (pull-based, so a slow download never buffers the table in memory). Starts
 * from the first row whatever cursor the filters carry. Permission is checked here, not only in the route.
 */
export function exportListCsv(db: Db, actor: Pick<Actor, 'role'>, list: ExportList, filters: ListFilters): ReadableStream<Uint8Array> {
  assertCan(actor, 'dashboard.read');
  const exporter = EXPORTERS[list];
  const read = exporter.reader(db);
  const encoder = new TextEncoder();
  let pending: Promise<Batch> | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          pending = read({ ...filters, after: null });
          // A byte-order mark so spreadsheet apps read UTF-8 (names in Chinese, Thai, Korean…).
          controller.enqueue(encoder.encode(`\uFEFF${exporter.header.join(',')}\r\n`));
          return;
        }
        if (!pending) return;
        const batch = await pending;
        // Prefetch: the database reads batch n+1 while this process renders batch n (at most two in memory).
        pending = batch.nextCursor ? read({ ...filters, after: batch.nextCursor }) : null;
        const lines = batch.lines();
        if (lines.length) controller.enqueue(encoder.encode(`${lines.join('\r\n')}\r\n`));
        if (!pending) controller.close();
      },
      cancel() {
        // The download was abandoned: let an in-flight batch settle without an unhandled rejection.
        pending?.catch(() => {});
        pending = null;
      },
    },
    { highWaterMark: 1 },
  );
}
