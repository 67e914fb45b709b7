/**
 * What Antom's report files look like (ams-api.md §13): three kinds, each published in several variants
 * (the older AMS / Auto Debit headers, the current ones with PSP / ARN / status and many fee columns,
 * Dashboard downloads). A file is recognised by its **header**; its name is only a hint for the day and
 * the batch. Columns are read by name (order is not published), synonyms are folded to one name, and any
 * column not listed here is kept out of the way, never a reason to refuse the file.
 */
export type ReportKind = 'transaction_details' | 'settlement_details' | 'settlement_summary';

/** Header names folded to one spelling (lower-cased key → canonical name). */
const SYNONYMS: Record<string, string> = {
  acquirer: 'PSP',
  pspname: 'PSP',
  psp: 'PSP',
  acquirerreferenceno: 'ARN',
  arn: 'ARN',
  transactioncount: 'count',
  count: 'count',
  settlementtime: 'settlementInitiatedDate',
  settlementdate: 'settlementInitiatedDate',
  settlementinitiateddate: 'settlementInitiatedDate',
  transactionstatus: 'status',
  status: 'status',
  transactiontime: 'paymentTime',
  paymenttime: 'paymentTime',
  refundtime: 'paymentTime',
};

/** Canonical names Daikou reads; everything else in a header is ignored. */
const KNOWN = [
  'settlementBatchId',
  'customerId',
  'summaryType',
  'transactionId',
  'originalTransactionId',
  'transactionRequestId',
  'originalTransactionRequestId',
  'transactionType',
  'paymentMethodType',
  'transactionAmountValue',
  'transactionCurrency',
  'settlementAmountValue',
  'settlementCurrency',
  'quoteCurrencyPair',
  'quotePrice',
  'convertedTransactionAmountValue',
  'reason',
] as const;
const KNOWN_BY_LOWER = new Map<string, string>(KNOWN.map((k) => [k.toLowerCase(), k]));

/**
 * Fee amount columns (§13.2, and Antom's reconciliation tooling's list of 17) with their currency column.
 * Any other header ending in `FeeAmountValue` is a fee too (a new fee type keeps loading).
 */
export const FEE_COLUMNS: Record<string, string> = {
  feeAmountValue: 'feeCurrency',
  paymentMethodFeeAmountValue: 'paymentMethodFeeCurrency',
  interchangeFeeAmountValue: 'interchangeFeeCurrency',
  schemeFeeAmountValue: 'schemeFeeCurrency',
  acquirerMarkupAmountValue: 'acquirerMarkupCurrency',
  processingFeeAmountValue: 'processingFeeCurrency',
  taxFeeAmountValue: 'taxFeeCurrency',
  refundFeeAmountValue: 'refundFeeCurrency',
  disputeHandlingFee: 'disputeHandlingFeeCurrency',
  disputeReverseFee: 'disputeReverseFeeCurrency',
  financingFeeAmountValue: 'financingFeeCurrency',
  rdrFeeAmountValue: 'rdrFeeCurrency',
  anticipationFeeAmountValue: 'anticipationFeeCurrency',
  riskDecisionServiceFeeAmountValue: 'riskDecisionServiceFeeCurrency',
  riskManagementFeeAmountValue: 'riskManagementFeeCurrency',
  cdrnFeeAmountValue: 'cdrnFeeCurrency',
  iofFeeAmountValue: 'iofFeeCurrency',
  withholdingTaxAmountValue: 'withholdingTaxFeeCurrency',
  fxFeeAmountValue: 'fxFeeAmountCurrency',
};
const FEE_BY_LOWER = new Map<string, string>(Object.keys(FEE_COLUMNS).map((k) => [k.toLowerCase(), k]));

/** Transaction types of §13.6. Daikou acts on PAYMENT, REFUND, CANCEL (and REFUND_REVERSAL, shown); the rest are loaded and shown. */
export const TRANSACTION_TYPES = [
  'PAYMENT',
  'REFUND',
  'CANCEL',
  'AUTHORIZATION',
  'CAPTURE',
  'DISPUTE',
  'ADJUSTMENT_FEE',
  'PAYMENT_REVERSAL',
  'REFUND_REVERSAL',
  'SETTLEMENT_FEE',
  'DISPUTE_REVERSAL',
  'COLLATERAL_WITHHELD',
  'RESERVE',
  'RESERVE_RELEASED',
  'COLLATERAL_RELEASED',
  'RAPID_DISPUTE_RESOLUTION',
  'CDRN',
  'VOID',
] as const;
export const ACTED_ON_TYPES = new Set(['PAYMENT', 'REFUND', 'CANCEL']);
export const SUMMARY_TYPES = new Set(['AUTHORIZATION', 'PAYMENT', 'CAPTURE', 'REFUND', 'CANCEL', 'DISPUTE', 'VOID', 'REFUND_REVERSAL', ...TRANSACTION_TYPES, 'TOTAL']);
/** summary_type / transaction_type given to an acquirer's error-correction line (Hundsun, 2C2P; §13.1). */
export const ERROR_CORRECTION = 'ERROR_CORRECTION';

export interface HeaderMap {
  kind: ReportKind;
  /** Canonical column → index. */
  index: Map<string, number>;
  /** Fee amount column index → its currency column index (or undefined). */
  fees: { name: string; amount: number; currency: number | undefined }[];
  /** Number of header fields (a trailing empty one from a trailing comma is dropped). */
  width: number;
  /** Header names Daikou does not read (kept for the page, never a reason to refuse). */
  ignored: string[];
  /** 'current' when the header has today's columns (PSP, ARN, status …), else 'ams' (older AMS / Auto Debit). */
  variant: 'current' | 'ams';
}

/**
 * Reads a header row: trims spaces (doc samples put one after each comma), folds synonyms, finds the fee
 * columns and decides the kind: `summaryType` ⇒ settlement summary; `settlementBatchId` with
 * `transactionType` ⇒ settlement details; `transactionType` ⇒ transaction details. Returns a reason in
 * words when the header is none of them.
 */
export function readHeader(raw: string[]): HeaderMap | { error: string } {
  const names = raw.map((n) => n.replace(/^\uFEFF/, '').trim());
  while (names.length > 1 && names[names.length - 1] === '') names.pop();
  const index = new Map<string, number>();
  const fees: HeaderMap['fees'] = [];
  const ignored: string[] = [];
  const byLower = new Map<string, number>();
  names.forEach((name, i) => byLower.set(name.toLowerCase(), i));
  for (const [i, name] of names.entries()) {
    const lower = name.toLowerCase();
    const canonical = SYNONYMS[lower] ?? KNOWN_BY_LOWER.get(lower);
    if (canonical) {
      if (index.has(canonical)) return { error: `The header names the column "${name.slice(0, 64)}" twice (or two names for it).` };
      index.set(canonical, i);
      continue;
    }
    const fee = FEE_BY_LOWER.get(lower) ?? (/feeamountvalue$/.test(lower) ? name : undefined);
    if (fee) {
      const currencyName = FEE_COLUMNS[fee] ?? name.replace(/AmountValue$/i, 'Currency');
      fees.push({ name: fee, amount: i, currency: byLower.get(currencyName.toLowerCase()) });
      continue;
    }
    if (!/currency$/i.test(name)) ignored.push(name);
  }
  let kind: ReportKind;
  if (index.has('summaryType')) kind = 'settlement_summary';
  else if (index.has('transactionType') && index.has('settlementBatchId')) kind = 'settlement_details';
  else if (index.has('transactionType')) kind = 'transaction_details';
  else {
    return {
      error: `The header is not one of Antom's reports: it has neither transactionType (transaction or settlement details) nor summaryType (settlement summary). It starts "${names.slice(0, 4).join(',').slice(0, 120)}".`,
    };
  }
  const required: Record<ReportKind, string[]> = {
    transaction_details: ['customerId', 'transactionId', 'transactionType', 'transactionAmountValue', 'transactionCurrency'],
    settlement_details: ['settlementBatchId', 'customerId', 'transactionType', 'transactionAmountValue', 'transactionCurrency', 'settlementAmountValue', 'settlementCurrency'],
    settlement_summary: ['settlementBatchId', 'customerId', 'summaryType', 'count', 'settlementAmountValue', 'settlementCurrency'],
  };
  const missing = required[kind].filter((c) => !index.has(c));
  if (missing.length > 0) {
    return { error: `This looks like a ${kindLabel(kind)} file but its header lacks ${missing.join(', ')}${missing.includes('count') ? ' (or transactionCount)' : ''}.` };
  }
  // Today's files name PSP / ARN / status / settlementInitiatedDate / the converted amount; the older ones don't.
  const variant = names.some((n) => ['PSP', 'ARN', 'status', 'settlementInitiatedDate', 'convertedTransactionAmountValue'].includes(n)) ? 'current' : 'ams';
  return { kind, index, fees, width: names.length, ignored, variant };
}

export function kindLabel(kind: ReportKind): string {
  return { transaction_details: 'transaction details', settlement_details: 'settlement details', settlement_summary: 'settlement summary' }[kind];
}

export interface ReportNameHint {
  kind: ReportKind | null;
  /** YYYY-MM-DD from the name, when it carries one. */
  reportDate: string | null;
  settlementBatchId: string | null;
}

const NAME_PATTERNS: { re: RegExp; kind: ReportKind | null; date: number; batch?: number }[] = [
  // SFTP defaults (§13.1)
  { re: /^transactionItems_(\d{8})_\d{3}\.(?:csv|xlsx)$/i, kind: 'transaction_details', date: 1 },
  { re: /^settlementItems_(?:.+_)?[A-Z]{3}_([A-Za-z0-9-]+)_\d{3}\.(?:csv|xlsx)$/, kind: 'settlement_details', date: 0, batch: 1 },
  { re: /^settlementSummary_(?:.+_)?[A-Z]{3}_([A-Za-z0-9-]+)_\d{3}\.(?:csv|xlsx)$/, kind: 'settlement_summary', date: 0, batch: 1 },
  // Dashboard downloads
  { re: /^TRANSACTION_DETAIL_[^_]+_(\d{8})\.(?:csv|xlsx)$/i, kind: 'transaction_details', date: 1 },
  { re: /^SETTLEMENT_DETAIL_([^_]+)_(\d{8})\.(?:csv|xlsx)$/i, kind: 'settlement_details', date: 2, batch: 1 },
  { re: /^SETTLEMENT_SUMMARY_([^_]+)_(\d{8})\.(?:csv|xlsx)$/i, kind: 'settlement_summary', date: 2, batch: 1 },
  // Older AMS-era names
  { re: /^[A-Za-z0-9]+_fptrade_(\d{8})\.(?:csv|xlsx)$/, kind: 'transaction_details', date: 1 },
  { re: /^[A-Za-z0-9]+_settle_(\d{8})_([A-Za-z0-9-]+)\.(?:csv|xlsx)$/, kind: null, date: 1, batch: 2 },
];

/** What a file's name says (kind, day, batch), if it follows one of Antom's published patterns; never decisive. */
export function readNameHint(fileName: string): ReportNameHint {
  for (const p of NAME_PATTERNS) {
    const m = p.re.exec(fileName);
    if (!m) continue;
    return { kind: p.kind, reportDate: p.date ? compactDay(m[p.date]!) : null, settlementBatchId: p.batch ? m[p.batch]! : null };
  }
  return { kind: null, reportDate: null, settlementBatchId: null };
}

/** "20261130" → "2026-11-30" when it is a real calendar day, else null. */
export function compactDay(compact: string): string | null {
  if (!/^\d{8}$/.test(compact)) return null;
  const day = `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
  const parsed = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day ? null : day;
}

/** The GMT+8 day of an ISO 8601 time with offset, or null. */
export function gmt8DayOf(time: string | null): string | null {
  if (!time) return null;
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return null;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}
