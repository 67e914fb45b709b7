/**
 * What a report file must look like (ams-api.md §13; column set: lib/simulator/README.md "Reports").
 * Only the columns reconciliation reads are required; extra columns are ignored, so a report that grows a
 * column keeps loading.
 */
export type ReportKind = 'transaction_details' | 'settlement_details' | 'settlement_summary';

export const REQUIRED_COLUMNS: Record<ReportKind, readonly string[]> = {
  transaction_details: [
    'customerId',
    'transactionId',
    'transactionRequestId',
    'transactionType',
    'transactionAmountValue',
    'transactionCurrency',
    'feeAmountValue',
    'feeCurrency',
    'settlementAmountValue',
    'settlementCurrency',
  ],
  settlement_details: [
    'settlementBatchId',
    'customerId',
    'transactionId',
    'transactionRequestId',
    'transactionType',
    'transactionAmountValue',
    'transactionCurrency',
    'grossSettlementAmountValue',
    'feeAmountValue',
    'netSettlementAmountValue',
    'settlementCurrency',
  ],
  settlement_summary: [
    'settlementBatchId',
    'customerId',
    'summaryType',
    'transactionCount',
    'grossSettlementAmountValue',
    'feeAmountValue',
    'netSettlementAmountValue',
    'settlementCurrency',
  ],
};

/** Transaction types Antom reports (§13.2); Auto Debit produces PAYMENT, REFUND and CANCEL. */
export const TRANSACTION_TYPES = new Set(['PAYMENT', 'REFUND', 'CANCEL', 'CAPTURE', 'AUTHORIZATION', 'VOID', 'DISPUTE', 'PAYMENT_REVERSAL']);
export const SUMMARY_TYPES = new Set(['PAYMENT', 'REFUND', 'CANCEL', 'CAPTURE', 'VOID', 'DISPUTE', 'PAYMENT_REVERSAL', 'TOTAL']);

const NAME = /_(transactionDetails|settlementDetails|settlementSummary)_(\d{4})(\d{2})(\d{2})(?:_([A-Za-z0-9-]{1,64}))?\.csv$/;
const KIND_BY_TOKEN: Record<string, ReportKind> = {
  transactionDetails: 'transaction_details',
  settlementDetails: 'settlement_details',
  settlementSummary: 'settlement_summary',
};

export interface ReportName {
  kind: ReportKind;
  /** YYYY-MM-DD, the GMT+8 business day reported. */
  reportDate: string;
  settlementBatchId: string | null;
}

/**
 * Reads kind, day and batch from a file name such as `DAIKOU_transactionDetails_20261130.csv` or
 * `DAIKOU_settlementSummary_20261130_<batch>.csv` (file names UNVERIFIED upstream: the simulator's).
 */
export function parseReportName(fileName: string): ReportName | null {
  const m = NAME.exec(fileName);
  if (!m) return null;
  const [, token, y, mo, d, batch] = m;
  const reportDate = `${y}-${mo}-${d}`;
  const parsed = new Date(`${reportDate}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== reportDate) return null;
  const kind = KIND_BY_TOKEN[token!]!;
  if (kind !== 'transaction_details' && !batch) return null;
  return { kind, reportDate, settlementBatchId: batch ?? null };
}

export const NAME_HINT = 'a report file name like <clientId>_transactionDetails_YYYYMMDD.csv, <clientId>_settlementDetails_YYYYMMDD_<batch>.csv or <clientId>_settlementSummary_YYYYMMDD_<batch>.csv';
