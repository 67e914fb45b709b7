/**
 * Reconciliation files (ams-api.md §13) written to a drop folder that stands in for Antom's SFTP:
 * transaction details, settlement details and settlement summary — CSV, header row, one row per record,
 * the literal `<END>` as last line.
 *
 * Built only from the ledger (what really moved), so the files agree with `/simulator/ledger` by
 * construction: one settlement batch per client, GMT+8 day and currency; the summary TOTAL of a batch is
 * the sum of its detail rows. Amounts are minor-unit integer strings like the API's `Amount.value`;
 * settlement columns are signed (refunds and cancels negative), transaction amounts are positive with the
 * direction in `transactionType`. Column choice: README "Reports".
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { SimStore, LedgerEntry } from './store';
import { gmt8Day, isoTime } from './wire';

export const TRANSACTION_COLUMNS = [
  'customerId',
  'acquirer',
  'transactionId',
  'originalTransactionId',
  'transactionRequestId',
  'originalTransactionRequestId',
  'referenceOrderId',
  'paymentMethodType',
  'productCode',
  'transactionType',
  'transactionStatus',
  'transactionTime',
  'transactionAmountValue',
  'transactionCurrency',
  'feeAmountValue',
  'feeCurrency',
  'settlementAmountValue',
  'settlementCurrency',
] as const;

export const SETTLEMENT_DETAIL_COLUMNS = [
  'settlementBatchId',
  'customerId',
  'acquirer',
  'transactionId',
  'originalTransactionId',
  'transactionRequestId',
  'paymentMethodType',
  'transactionType',
  'transactionTime',
  'settlementTime',
  'transactionAmountValue',
  'transactionCurrency',
  'grossSettlementAmountValue',
  'feeAmountValue',
  'netSettlementAmountValue',
  'settlementCurrency',
] as const;

export const SETTLEMENT_SUMMARY_COLUMNS = [
  'settlementBatchId',
  'customerId',
  'acquirer',
  'summaryType',
  'settlementDate',
  'transactionCount',
  'grossSettlementAmountValue',
  'feeAmountValue',
  'netSettlementAmountValue',
  'settlementCurrency',
] as const;

const ACQUIRER = 'ANTOM_SIMULATOR';
const TYPE: Record<LedgerEntry['kind'], 'PAYMENT' | 'REFUND' | 'CANCEL'> = { DEBIT: 'PAYMENT', REFUND: 'REFUND', CANCEL_REVERSAL: 'CANCEL' };

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csv(columns: readonly string[], rows: Record<string, string>[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c] ?? '')).join(','));
  lines.push('<END>');
  return `${lines.join('\n')}\n`;
}

export class ReportWriter {
  readonly dir: string | undefined;
  /** Files kept in memory when there is no data directory. */
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly store: SimStore,
    dataDir: string | undefined,
  ) {
    this.dir = dataDir ? path.join(dataDir, 'simulator', 'sftp') : undefined;
  }

  /** Writes the three reports of GMT+8 day `date` for every client with ledger entries that day. */
  generate(date: string): string[] {
    const entries = this.store.state.ledger.filter((e) => gmt8Day(e.at) === date);
    const compact = date.replaceAll('-', '');
    const written: string[] = [];
    const clients = [...new Set(entries.map((e) => e.clientId))].sort();
    for (const clientId of clients) {
      const mine = entries.filter((e) => e.clientId === clientId);
      const txRows = mine.map((e) => {
        const p = this.store.state.payments[e.paymentId];
        const refund = e.kind === 'REFUND';
        return {
          customerId: clientId,
          acquirer: ACQUIRER,
          transactionId: refund ? (e.refundId ?? '') : e.paymentId,
          originalTransactionId: refund ? e.paymentId : '',
          transactionRequestId: refund ? (e.refundRequestId ?? '') : e.paymentRequestId,
          originalTransactionRequestId: refund ? e.paymentRequestId : '',
          referenceOrderId: p?.referenceOrderId ?? '',
          paymentMethodType: e.wallet,
          productCode: 'AGREEMENT_PAYMENT',
          transactionType: TYPE[e.kind],
          transactionStatus: 'SUCCESS',
          transactionTime: isoTime(e.at),
          transactionAmountValue: e.amountMinor.toString(),
          transactionCurrency: e.currency,
          feeAmountValue: (e.kind === 'DEBIT' ? e.feeMinor : -e.feeMinor).toString(),
          feeCurrency: e.currency,
          settlementAmountValue: (e.kind === 'DEBIT' ? e.amountMinor : -e.amountMinor).toString(),
          settlementCurrency: e.currency,
        };
      });
      written.push(this.write(`${clientId}_transactionDetails_${compact}.csv`, csv(TRANSACTION_COLUMNS, txRows)));

      for (const currency of [...new Set(mine.map((e) => e.currency))].sort()) {
        const batchId = `${compact}${currency}${clientId.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}`;
        const batch = mine.filter((e) => e.currency === currency);
        const settlementTime = isoTime(Date.parse(`${date}T00:00:00+08:00`) + 24 * 60 * 60_000);
        const detailRows = batch.map((e) => {
          const sign = e.kind === 'DEBIT' ? 1n : -1n;
          const gross = sign * e.amountMinor;
          const fee = sign * e.feeMinor;
          return {
            settlementBatchId: batchId,
            customerId: clientId,
            acquirer: ACQUIRER,
            transactionId: e.kind === 'REFUND' ? (e.refundId ?? '') : e.paymentId,
            originalTransactionId: e.kind === 'REFUND' ? e.paymentId : '',
            transactionRequestId: e.kind === 'REFUND' ? (e.refundRequestId ?? '') : e.paymentRequestId,
            paymentMethodType: e.wallet,
            transactionType: TYPE[e.kind],
            transactionTime: isoTime(e.at),
            settlementTime,
            transactionAmountValue: e.amountMinor.toString(),
            transactionCurrency: e.currency,
            grossSettlementAmountValue: gross.toString(),
            feeAmountValue: fee.toString(),
            netSettlementAmountValue: (gross - fee).toString(),
            settlementCurrency: currency,
            _gross: gross,
            _fee: fee,
            _type: TYPE[e.kind],
          };
        });
        written.push(
          this.write(
            `${clientId}_settlementDetails_${compact}_${batchId}.csv`,
            csv(SETTLEMENT_DETAIL_COLUMNS, detailRows.map(({ _gross, _fee, _type, ...row }) => row)),
          ),
        );
        const summaryRows = (['PAYMENT', 'REFUND', 'CANCEL', 'TOTAL'] as const).map((summaryType) => {
          const rows = detailRows.filter((r) => summaryType === 'TOTAL' || r._type === summaryType);
          const gross = rows.reduce((s, r) => s + r._gross, 0n);
          const fee = rows.reduce((s, r) => s + r._fee, 0n);
          return {
            settlementBatchId: batchId,
            customerId: clientId,
            acquirer: ACQUIRER,
            summaryType,
            settlementDate: date,
            transactionCount: String(rows.length),
            grossSettlementAmountValue: gross.toString(),
            feeAmountValue: fee.toString(),
            netSettlementAmountValue: (gross - fee).toString(),
            settlementCurrency: currency,
          };
        });
        written.push(this.write(`${clientId}_settlementSummary_${compact}_${batchId}.csv`, csv(SETTLEMENT_SUMMARY_COLUMNS, summaryRows)));
      }
    }
    return written;
  }

  private write(name: string, text: string): string {
    if (this.dir) {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(path.join(this.dir, name), text);
    } else {
      this.memory.set(name, text);
    }
    return name;
  }

  list(): string[] {
    if (!this.dir) return [...this.memory.keys()].sort();
    return existsSync(this.dir) ? readdirSync(this.dir).filter((f) => f.endsWith('.csv')).sort() : [];
  }

  /** The file's text, or undefined; `name` must be a bare file name (no traversal). */
  read(name: string): string | undefined {
    if (!/^[A-Za-z0-9_.-]+\.csv$/.test(name) || name.includes('..')) return undefined;
    if (!this.dir) return this.memory.get(name);
    const file = path.join(this.dir, name);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }
}
