import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parse as parseSync } from 'csv-parse/sync';
import { currencyExponent } from '@/lib/money';
import { ReportRejected } from './report-error';
import { ERROR_CORRECTION, SUMMARY_TYPES, compactDay, gmt8DayOf, kindLabel, readHeader, readNameHint, type HeaderMap, type ReportKind } from './report-format';

/** One data row, in the shape of report_rows (without ids). */
export interface ParsedReportRow {
  lineNo: number;
  settlementBatchId: string | null;
  summaryType: string | null;
  transactionId: string | null;
  originalTransactionId: string | null;
  transactionRequestId: string | null;
  originalTransactionRequestId: string | null;
  transactionType: string | null;
  /** Antom's status column (SUCCESS / FAIL …); null in the older variants, which list successes only. */
  transactionStatus: string | null;
  paymentMethodType: string | null;
  /** paymentTime (or refund time) as written, ISO 8601 with offset. */
  transactionTime: string | null;
  /** Transaction amount in minor units, always positive: the direction is the transaction type. */
  amountMinor: bigint | null;
  currency: string | null;
  /** Σ of the fee columns present, Antom's signs (charged fees negative), in the settlement currency. */
  feeMinor: bigint | null;
  feeCurrency: string | null;
  /** The transaction amount in the settlement currency, signed (payments +, refunds / cancels −). */
  grossSettlementMinor: bigint | null;
  /** settlementAmountValue: the net, = gross + fees. */
  netSettlementMinor: bigint | null;
  settlementCurrency: string | null;
  transactionCount: number | null;
  quoteCurrencyPair: string | null;
  quotePrice: string | null;
  /** The transaction amount converted with quotePrice (half up), when there is a quote: the converted amount is checked against it. */
  quoteExpectedMinor: bigint | null;
  /** Antom's reason column, or the raw text of an error-correction line. */
  note: string | null;
}

export interface ParseReportOptions {
  /** The merchant ID Antom assigned (ANTOM_MERCHANT_ID): every row's customerId must be it. */
  merchantId: string | undefined;
  /** The file's name: a hint for its day and batch only. */
  fileName: string;
  /** The day of the SFTP folder the file came from, if any (YYYY-MM-DD). */
  folderDay?: string | null;
  /** Rows are handed over in batches of this many (bounded memory: nothing else is kept per row). */
  batchSize?: number;
  onBatch: (rows: ParsedReportRow[]) => Promise<void>;
  /** Called now and then with bytes read so far (progress). */
  onProgress?: (bytes: number) => void;
}

export interface ParsedReport {
  kind: ReportKind;
  variant: 'current' | 'ams';
  reportDate: string;
  settlementBatchId: string | null;
  rowCount: number;
  /** Rows per transaction type (or summary type), including the types Daikou only shows. */
  typeCounts: Record<string, number>;
  /** Header columns Daikou does not read. */
  ignoredColumns: string[];
  byteCount: number;
  sha256: string;
}

export interface RecordSource {
  records: AsyncIterable<{ record: string[]; line: number }>;
  byteCount: () => number;
  sha256: () => string;
  /** XLSX: a cut-off file cannot be opened at all, so the `<END>` line is not required. */
  endOptional?: boolean;
}

const CURRENCY = /^[A-Z]{3}$/;
const COUNT = /^\d{1,9}$/;
const TYPE = /^[A-Z][A-Z0-9_]{0,39}$/;
const MAX_RECORD_BYTES = 64 * 1024;

type Sums = { count: bigint; fee: bigint; net: bigint };

/** A CSV byte stream as records (see csvRecords), hashed as it passes. */
export function csvSource(input: Readable, onProgress?: (bytes: number) => void): RecordSource {
  const hash = createHash('sha256');
  let bytes = 0;
  return {
    records: csvRecords(input, (chunk) => {
      bytes += chunk.length;
      hash.update(chunk);
      onProgress?.(bytes);
    }),
    byteCount: () => bytes,
    sha256: () => hash.digest('hex'),
  };
}

/** Streams one CSV report file: see parseReportRecords. */
export async function parseReportStream(input: Readable, options: ParseReportOptions): Promise<ParsedReport> {
  return parseReportRecords(csvSource(input, options.onProgress), options);
}

/**
 * Checks one report (header by name, every row, `<END>` as the last line, the merchant id, one batch per
 * settlement file, the summary's types adding up to its TOTAL) and hands rows over in batches. Throws
 * ReportRejected on the first problem, naming the line; the caller's transaction then keeps nothing.
 * Memory is bounded by one record (≤ 64 KiB) and one batch, whatever the file size.
 */
export async function parseReportRecords(source: RecordSource, options: ParseReportOptions): Promise<ParsedReport> {
  const batchSize = options.batchSize ?? 2_000;
  let header: HeaderMap | undefined;
  let ended = false;
  let rowCount = 0;
  let batch: ParsedReportRow[] = [];
  const typeCounts: Record<string, number> = {};
  let batchId: string | null = null;
  let firstDay: string | null = null;
  // Summary: a line that does not fit is an acquirer's error-correction line only if <END> follows it.
  let oddLine: { line: number; record: string[] } | null = null;
  const summarySums = new Map<string, Sums>();
  const summaryTotals = new Map<string, Sums & { line: number }>();

  const push = async (row: ParsedReportRow) => {
    rowCount++;
    const type = row.summaryType ?? row.transactionType ?? '?';
    typeCounts[type] = (typeCounts[type] ?? 0) + 1;
    batch.push(row);
    if (batch.length >= batchSize) {
      const full = batch;
      batch = [];
      await options.onBatch(full);
    }
  };

  for await (const { record, line } of source.records) {
    if (ended) throw new ReportRejected('after_end_marker', `Line ${line} comes after the <END> marker; a report ends with <END>. Nothing was loaded.`, line);
    if (!header) {
      if (record.length === 1 && record[0]!.trim() === '') continue;
      const read = readHeader(record);
      if ('error' in read) throw new ReportRejected('bad_header', `${read.error} Nothing was loaded.`, line);
      header = read;
      continue;
    }
    if (record[0]!.trim() === '<END>' && record.every((v, i) => i === 0 || v.trim() === '')) {
      if (oddLine) {
        await push(errorCorrectionRow(oddLine.line, oddLine.record, batchId));
        oddLine = null;
      }
      ended = true;
      continue;
    }
    if (oddLine) throw oddLineError(oddLine.line, oddLine.record.length, header.width);
    let fields = record;
    // A trailing comma (as in a documentation sample) adds one empty field.
    while (fields.length > header.width && fields[fields.length - 1]!.trim() === '') fields = fields.slice(0, -1);
    if (fields.length !== header.width) {
      if (header.kind === 'settlement_summary') {
        oddLine = { line, record: fields };
        continue;
      }
      throw oddLineError(line, fields.length, header.width);
    }
    const row = readRow(fields, header, line, options);
    if (header.kind === 'settlement_summary' && row.summaryType === ERROR_CORRECTION) {
      await push(row);
      continue;
    }
    if (header.kind !== 'transaction_details') {
      if (batchId === null) batchId = row.settlementBatchId;
      else if (row.settlementBatchId !== batchId) {
        throw new ReportRejected('bad_row', `Line ${line} is for settlement batch "${(row.settlementBatchId ?? '').slice(0, 64)}" but line 2 is for "${batchId}"; a settlement file holds one batch. Nothing was loaded.`, line);
      }
    }
    if (firstDay === null) firstDay = header.kind === 'transaction_details' ? gmt8DayOf(row.transactionTime) : settlementDayOf(fields, header);
    if (header.kind === 'settlement_summary') addToSummary(row, line, summarySums, summaryTotals);
    await push(row);
  }
  if (!header) throw new ReportRejected('empty', 'The file is empty: a report starts with a header row. Nothing was loaded.');
  if (!ended && oddLine) throw oddLineError(oddLine.line, oddLine.record.length, header.width);
  if (!ended && !source.endOptional) {
    throw new ReportRejected('no_end_marker', `The file has no <END> line, so it was cut off in transfer (${rowCount} rows read). Fetch it again; nothing was loaded.`);
  }
  if (batch.length > 0) await options.onBatch(batch);
  if (header.kind === 'settlement_summary') checkSummary(summarySums, summaryTotals);

  const hint = readNameHint(options.fileName);
  const reportDate = options.folderDay ?? hint.reportDate ?? firstDay;
  if (!reportDate) {
    throw new ReportRejected(
      'unknown_day',
      `Cannot tell which day this ${kindLabel(header.kind)} file reports: its name carries no date (e.g. transactionItems_YYYYMMDD_000.csv) and it has no rows with a time. Nothing was loaded.`,
    );
  }
  return {
    kind: header.kind,
    variant: header.variant,
    reportDate,
    settlementBatchId: batchId ?? hint.settlementBatchId,
    rowCount,
    typeCounts,
    ignoredColumns: header.ignored,
    byteCount: source.byteCount(),
    sha256: source.sha256(),
  };
}

function oddLineError(line: number, got: number, want: number): ReportRejected {
  return new ReportRejected('bad_row', `Line ${line} has ${got} fields but the header has ${want}. Nothing was loaded.`, line);
}

function settlementDayOf(fields: string[], header: HeaderMap): string | null {
  const i = header.index.get('settlementInitiatedDate');
  if (i === undefined) return null;
  const v = fields[i]!.trim();
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : (compactDay(v) ?? gmt8DayOf(v));
}

function errorCorrectionRow(line: number, record: string[], batchId: string | null): ParsedReportRow {
  const row = emptyRow(line);
  row.settlementBatchId = batchId;
  row.summaryType = ERROR_CORRECTION;
  row.note = record.join(',').slice(0, 2_000);
  return row;
}

/**
 * CSV records of a byte stream, refusing binary (NUL) and invalid UTF-8 as they pass; a BOM is dropped.
 * Lines without a quote character (nearly all of Antom's) are split on commas directly; any line with
 * quotes — including quoted fields spanning lines, whose record ends where the quote count is even
 * again — goes to csv-parse, so RFC 4180 quoting is handled by the library and the common case runs
 * ~50× faster than feeding every byte to its state machine.
 */
async function* csvRecords(input: Readable, onChunk: (chunk: Buffer) => void): AsyncGenerator<{ record: string[]; line: number }> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let carry = '';
  let line = 0;
  let bytes = 0;
  let pending: string | null = null;
  let pendingStart = 0;

  const out: { record: string[]; line: number }[] = [];
  function handle(raw: string): void {
    line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (pending !== null) {
      pending += `\n${text}`;
      if (pending.length > MAX_RECORD_BYTES) throw new ReportRejected('bad_row', `The record starting on line ${pendingStart} is longer than 64 KiB. Nothing was loaded.`, pendingStart);
      if (quoteCount(pending) % 2 === 0) {
        const record = pending;
        pending = null;
        out.push({ record: parseQuoted(record, pendingStart), line: pendingStart });
      }
      return;
    }
    if (text === '') return;
    if (!text.includes('"')) {
      out.push({ record: text.split(','), line });
      return;
    }
    if (quoteCount(text) % 2 === 0) {
      out.push({ record: parseQuoted(text, line), line });
      return;
    }
    pending = text;
    pendingStart = line;
  }

  for await (const chunk of input as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    onChunk(chunk);
    if (chunk.includes(0)) throw new ReportRejected('binary', 'This is a binary file, not a CSV report (it contains NUL bytes). Nothing was loaded.');
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new ReportRejected('not_utf8', `The file is not valid UTF-8 (near byte ${bytes}); Antom's reports are UTF-8. Nothing was loaded.`);
    }
    const parts = (carry + text).split('\n');
    carry = parts.pop() ?? '';
    if (carry.length > MAX_RECORD_BYTES) throw new ReportRejected('bad_row', `Line ${line + 1} is longer than 64 KiB. Nothing was loaded.`, line + 1);
    for (const raw of parts) handle(raw);
    yield* out;
    out.length = 0;
  }
  try {
    carry += decoder.decode();
  } catch {
    throw new ReportRejected('not_utf8', 'The file ends in the middle of a UTF-8 character. Nothing was loaded.');
  }
  if (carry !== '') handle(carry);
  yield* out;
  if (pending !== null) throw new ReportRejected('bad_row', `A quoted field opened on line ${pendingStart} is never closed. Nothing was loaded.`, pendingStart);
}

function quoteCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n;
}

function parseQuoted(text: string, line: number): string[] {
  try {
    const [record] = parseSync(text, { relax_column_count: true, trim: true }) as string[][];
    return record ?? [];
  } catch (error) {
    throw new ReportRejected('bad_row', `Line ${line} is not valid CSV (${(error as Error).message.slice(0, 120)}). Nothing was loaded.`, line);
  }
}

/** Directions by transaction type: the sign a transaction amount has in the settlement currency. */
const NEGATIVE_TYPES = new Set(['REFUND', 'CANCEL', 'VOID', 'PAYMENT_REVERSAL', 'DISPUTE']);

/** A cell's text, trimmed; empty and "null" are null. */
function cell(record: string[], i: number | undefined): string | null {
  if (i === undefined) return null;
  const raw = record[i]!;
  const v = raw.length > 0 && (raw.charCodeAt(0) === 32 || raw.charCodeAt(raw.length - 1) === 32) ? raw.trim() : raw;
  return v === '' || v === 'null' || v === 'NULL' ? null : v;
}

function currencyCell(record: string[], header: HeaderMap, name: string, required: boolean, line: number): string | null {
  const v = cell(record, header.index.get(name));
  if (v === null && !required) return null;
  if (v === null || !CURRENCY.test(v)) throw new ReportRejected('bad_row', `Line ${line}: ${name} "${(v ?? '').slice(0, 16)}" is not a currency code. Nothing was loaded.`, line);
  return v;
}

const EXPONENTS = new Map<string, number>();
const AMOUNT = /^([+-]?)(\d{1,18})(?:\.(\d{1,12}))?$/;

/**
 * A major-unit amount ("100.00", "-9000", "97.5") in minor units of `cur`: digits below the currency's
 * minor unit must be zeros, else the row is refused naming the line (never rounded).
 */
function money(column: string, v: string | null, cur: string | null, line: number): bigint | null {
  if (v === null) return null;
  if (cur === null) throw new ReportRejected('bad_row', `Line ${line}: ${column} "${v.slice(0, 32)}" has no currency beside it. Nothing was loaded.`, line);
  let exp = EXPONENTS.get(cur);
  if (exp === undefined) {
    try {
      exp = currencyExponent(cur);
    } catch {
      throw new ReportRejected('bad_row', `Line ${line}: currency ${cur} of ${column} is not one Daikou knows. Nothing was loaded.`, line);
    }
    EXPONENTS.set(cur, exp);
  }
  const m = AMOUNT.exec(v);
  if (!m) throw new ReportRejected('bad_row', `Line ${line}: ${column} "${v.slice(0, 32)}" is not an amount in major units (like 100.00). Nothing was loaded.`, line);
  const frac = m[3] ?? '';
  for (let i = exp; i < frac.length; i++) {
    if (frac.charCodeAt(i) !== 48) {
      throw new ReportRejected('bad_row', `Line ${line}: ${column} "${v.slice(0, 32)}" has more decimals than ${cur} allows (${exp}). Nothing was loaded.`, line);
    }
  }
  const digits = m[2]! + (frac.length >= exp ? frac.slice(0, exp) : frac.padEnd(exp, '0'));
  const minor = digits.length <= 15 ? BigInt(Number(digits)) : BigInt(digits);
  return m[1] === '-' ? -minor : minor;
}

function readRow(record: string[], header: HeaderMap, line: number, options: ParseReportOptions): ParsedReportRow {
  const { index } = header;
  const customerId = cell(record, index.get('customerId'));
  if (!options.merchantId) {
    throw new ReportRejected(
      'no_merchant_id',
      `This report is for Antom merchant ID "${(customerId ?? '').slice(0, 64)}", but ANTOM_MERCHANT_ID is not set, so Daikou cannot tell whether it is ours. Set it (Antom's merchant ID, not the API client ID) and send the file again. Nothing was loaded.`,
      line,
    );
  }
  if (customerId !== options.merchantId) {
    throw new ReportRejected(
      'wrong_merchant',
      `Line ${line} belongs to Antom merchant ID "${(customerId ?? '').slice(0, 64)}", not ours ("${options.merchantId}"). This is another merchant's report; nothing was loaded.`,
      line,
    );
  }
  const batchId = cell(record, index.get('settlementBatchId'));
  const summaryType = header.kind === 'settlement_summary' ? cell(record, index.get('summaryType')) : null;
  const settlementCurrency = currencyCell(record, header, 'settlementCurrency', header.kind !== 'transaction_details' && summaryType !== null, line);
  const txCurrencyGiven = header.kind === 'settlement_summary' ? null : cell(record, index.get('transactionCurrency'));
  let fee: bigint | null = null;
  for (const f of header.fees) {
    const v = cell(record, f.amount);
    if (v === null) continue;
    const cur = cell(record, f.currency) ?? settlementCurrency ?? txCurrencyGiven;
    if (cur !== null && !CURRENCY.test(cur)) throw new ReportRejected('bad_row', `Line ${line}: the currency of ${f.name} "${cur.slice(0, 16)}" is not a currency code. Nothing was loaded.`, line);
    fee = (fee ?? 0n) + money(f.name, v, cur, line)!;
  }

  if (header.kind === 'settlement_summary') {
    if (summaryType === null || !SUMMARY_TYPES.has(summaryType.toUpperCase())) return errorCorrectionRow(line, record, batchId);
    const count = cell(record, index.get('count'));
    if (!count || !COUNT.test(count)) throw new ReportRejected('bad_row', `Line ${line}: count "${(count ?? '').slice(0, 16)}" must be a whole number. Nothing was loaded.`, line);
    const row = emptyRow(line);
    row.settlementBatchId = batchId;
    row.summaryType = summaryType.toUpperCase();
    row.feeMinor = fee ?? 0n;
    row.feeCurrency = settlementCurrency;
    row.netSettlementMinor = money('settlementAmountValue', cell(record, index.get('settlementAmountValue')), settlementCurrency, line) ?? 0n;
    row.settlementCurrency = settlementCurrency;
    row.transactionCount = Number(count);
    return row;
  }

  const rawType = cell(record, index.get('transactionType')) ?? '';
  const transactionType = TYPE.test(rawType) ? rawType : rawType.toUpperCase();
  if (!TYPE.test(transactionType)) throw new ReportRejected('bad_row', `Line ${line}: transactionType "${transactionType.slice(0, 32)}" is empty or not a type name. Nothing was loaded.`, line);
  const transactionId = cell(record, index.get('transactionId'));
  const transactionRequestId = cell(record, index.get('transactionRequestId'));
  if ((transactionType === 'PAYMENT' || transactionType === 'REFUND' || transactionType === 'CANCEL') && !transactionId && !transactionRequestId) {
    throw new ReportRejected('bad_row', `Line ${line}: a ${transactionType} row needs a transactionId or transactionRequestId. Nothing was loaded.`, line);
  }
  const txCurrency = currencyCell(record, header, 'transactionCurrency', true, line)!;
  const signedAmount = money('transactionAmountValue', cell(record, index.get('transactionAmountValue')), txCurrency, line);
  const amount = signedAmount === null ? null : signedAmount < 0n ? -signedAmount : signedAmount;
  const direction = NEGATIVE_TYPES.has(transactionType)
    ? -1n
    : transactionType === 'PAYMENT' || transactionType === 'CAPTURE' || transactionType === 'REFUND_REVERSAL'
      ? 1n
      : signedAmount !== null && signedAmount < 0n
        ? -1n
        : 1n;
  const converted = money('convertedTransactionAmountValue', cell(record, index.get('convertedTransactionAmountValue')), settlementCurrency, line);
  const quotePrice = cell(record, index.get('quotePrice'));
  if (quotePrice !== null && !/^\d{1,12}(\.\d{1,12})?$/.test(quotePrice)) throw new ReportRejected('bad_row', `Line ${line}: quotePrice "${quotePrice.slice(0, 32)}" is not a decimal number. Nothing was loaded.`, line);
  let gross: bigint | null = null;
  if (converted !== null) gross = (converted < 0n ? -converted : converted) * direction;
  else if (amount !== null && settlementCurrency === txCurrency) gross = amount * direction;
  const status = cell(record, index.get('status'));
  const row = emptyRow(line);
  row.settlementBatchId = batchId;
  row.transactionId = transactionId;
  row.originalTransactionId = cell(record, index.get('originalTransactionId'));
  row.transactionRequestId = transactionRequestId;
  row.originalTransactionRequestId = cell(record, index.get('originalTransactionRequestId'));
  row.transactionType = transactionType;
  row.transactionStatus = status === null ? null : status === 'SUCCESS' || status === 'FAIL' ? status : status.toUpperCase();
  row.paymentMethodType = cell(record, index.get('paymentMethodType'));
  row.transactionTime = cell(record, index.get('paymentTime'));
  row.amountMinor = amount;
  row.currency = txCurrency;
  row.feeMinor = fee;
  row.feeCurrency = fee === null ? null : (settlementCurrency ?? txCurrency);
  row.grossSettlementMinor = gross;
  row.netSettlementMinor = money('settlementAmountValue', cell(record, index.get('settlementAmountValue')), settlementCurrency, line);
  row.settlementCurrency = settlementCurrency;
  row.quoteCurrencyPair = cell(record, index.get('quoteCurrencyPair'));
  row.quotePrice = quotePrice;
  row.quoteExpectedMinor =
    quotePrice !== null && amount !== null && settlementCurrency !== null && settlementCurrency !== txCurrency ? convert(amount, txCurrency, settlementCurrency, quotePrice) * direction : null;
  row.note = cell(record, index.get('reason'));
  return row;
}

/** amount (minor, `from`) × quote → minor units of `to`, rounded half up, exact decimal arithmetic. */
export function convert(amountMinor: bigint, from: string, to: string, quote: string): bigint {
  const [whole, frac = ''] = quote.split('.');
  const quoteScaled = BigInt(whole! + frac);
  const scale = 10n ** BigInt(frac.length);
  // major(from) = amount / 10^ef; minor(to) = major × quote × 10^et
  const num = amountMinor * quoteScaled * 10n ** BigInt(currencyExponent(to));
  const den = scale * 10n ** BigInt(currencyExponent(from));
  return (num * 2n + den) / (den * 2n);
}

function emptyRow(lineNo: number): ParsedReportRow {
  return {
    lineNo,
    settlementBatchId: null,
    summaryType: null,
    transactionId: null,
    originalTransactionId: null,
    transactionRequestId: null,
    originalTransactionRequestId: null,
    transactionType: null,
    transactionStatus: null,
    paymentMethodType: null,
    transactionTime: null,
    amountMinor: null,
    currency: null,
    feeMinor: null,
    feeCurrency: null,
    grossSettlementMinor: null,
    netSettlementMinor: null,
    settlementCurrency: null,
    transactionCount: null,
    quoteCurrencyPair: null,
    quotePrice: null,
    quoteExpectedMinor: null,
    note: null,
  };
}

function addToSummary(row: ParsedReportRow, line: number, sums: Map<string, Sums>, totals: Map<string, Sums & { line: number }>) {
  const cur = row.settlementCurrency!;
  const values = { count: BigInt(row.transactionCount ?? 0), fee: row.feeMinor ?? 0n, net: row.netSettlementMinor ?? 0n };
  if (row.summaryType === 'TOTAL') {
    if (totals.has(cur)) throw new ReportRejected('totals_disagree', `Line ${line}: a second TOTAL row for ${cur}. Nothing was loaded.`, line);
    totals.set(cur, { ...values, line });
    return;
  }
  const s = sums.get(cur) ?? { count: 0n, fee: 0n, net: 0n };
  sums.set(cur, { count: s.count + values.count, fee: s.fee + values.fee, net: s.net + values.net });
}

/** The TOTAL row (first or last) equals the sum of the typed rows, per currency, for count, fees and net. */
function checkSummary(sums: Map<string, Sums>, totals: Map<string, Sums & { line: number }>) {
  for (const cur of sums.keys()) {
    if (!totals.has(cur)) throw new ReportRejected('totals_disagree', `The summary has ${cur} rows but no TOTAL row for ${cur}. Nothing was loaded.`);
  }
  for (const [cur, total] of totals) {
    const s = sums.get(cur);
    if (!s) continue; // a TOTAL alone (an empty batch: zero totals) is complete in itself
    for (const field of ['count', 'fee', 'net'] as const) {
      if (s[field] !== total[field]) {
        throw new ReportRejected(
          'totals_disagree',
          `The summary's TOTAL ${field === 'net' ? 'settlement amount' : field} for ${cur} (line ${total.line}) is ${total[field]} (minor units), but its typed rows add up to ${s[field]}. Nothing was loaded.`,
          total.line,
        );
      }
    }
  }
}
