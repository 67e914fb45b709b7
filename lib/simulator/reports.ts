/**
 * Reconciliation files as Antom writes them (ams-api.md §13), laid out as on Antom's SFTP:
 * `<dataDir>/simulator/sftp/v1/settlements/<merchantId>/<YYYYMMDD>/<file>` — transaction details in the
 * folder of the transaction day T (GMT+8), settlement details and summary in the folder of the settlement
 * day (T+1). Served by the simulator's SFTP server (sftp-server.ts) and the control API.
 *
 * - Names: `transactionItems_<YYYYMMDD>_000.csv`, `settlementItems_<ccy>_<batch>_000.csv`,
 *   `settlementSummary_<ccy>_<batch>_000.csv` (the older variant names its transaction file
 *   `<MID>_fptrade_<YYYYMMDD>.csv`).
 * - Headers by name, the current variant by default (PSP, ARN, status, reason, several fee pairs,
 *   settlementInitiatedDate, quote columns); the older AMS / Auto Debit headers of §13.3–13.5 when the
 *   client's `reports.variant` is 'ams' (successes only, refunds negative, one fee pair).
 * - Amounts in major units by the currency's exponent; settlement columns signed; charged fees negative,
 *   returned fees positive; settlementAmountValue = the transaction amount in the settlement currency +
 *   Σ fees (the net).
 * - Cross-currency: a client with `reports.settleIn` (e.g. { KRW: 'USD' }) settles those transactions in
 *   the other currency, converted with its quote (`quoteCurrencyPair`, `quotePrice`, `convertedTransactionAmountValue`), fees computed
 *   on the converted amount.
 * - Failed payments and refunds appear in the current transaction file with status FAIL.
 * - A refund the wallet returns (scenario refund-returned) adds a REFUND_REVERSAL row (positive, to the
 *   merchant) beside the REFUND; a client with `reports.settlementFee` ("1.50") gets one SETTLEMENT_FEE row
 *   (negative, in the settlement currency) per settlement batch of the day, in the transaction details, the
 *   settlement details and the summary (its own summaryType row, inside TOTAL). Both types are §13.6 names;
 *   the id and sign conventions of these rows are UNVERIFIED (Antom publishes the type names only).
 * - The summary has a TOTAL row (first in the current variant, last in the older one) and, for the
 *   acquirers §13.1 names (HUNDSUN, 2C2P), an error-correction line before `<END>` (its exact form is
 *   UNVERIFIED: one line starting `ERROR_CORRECTION`). A client with no transactions in a day still gets a
 *   summary with zero totals once it has ever transacted.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { localMerchantId } from '../alipay/merchant-id';
import { currencyExponent, toMajorString } from '../money';
import type { SimStore, ClientRecord } from './store';
import { gmt8Day, isoTime } from './wire';

export const CURRENT_TRANSACTION_COLUMNS = [
  'customerId',
  'PSP',
  'ARN',
  'referenceMerchantId',
  'referenceStoreId',
  'transactionId',
  'originalTransactionId',
  'transactionRequestId',
  'referenceTransactionId',
  'paymentMethodType',
  'transactionType',
  'status',
  'reason',
  'paymentTime',
  'productCode',
  'transactionAmountValue',
  'transactionCurrency',
  'settlementAmountValue',
  'settlementCurrency',
  'quoteCurrencyPair',
  'quotePrice',
  'convertedTransactionAmountValue',
  'paymentMethodFeeAmountValue',
  'paymentMethodFeeCurrency',
  'processingFeeAmountValue',
  'processingFeeCurrency',
  'taxFeeAmountValue',
  'taxFeeCurrency',
] as const;

/** §13.3, verbatim. */
export const AMS_TRANSACTION_COLUMNS = [
  'customerId',
  'referenceMerchantId',
  'referenceStoreId',
  'transactionId',
  'originalTransactionId',
  'transactionRequestId',
  'referenceTransactionId',
  'orderDescription',
  'paymentMethodType',
  'pspName',
  'transactionType',
  'paymentTime',
  'productCode',
  'transactionAmountValue',
  'transactionCurrency',
] as const;

export const CURRENT_SETTLEMENT_DETAIL_COLUMNS = [
  'settlementBatchId',
  'customerId',
  'PSP',
  'ARN',
  'referenceMerchantId',
  'referenceStoreId',
  'transactionId',
  'originalTransactionId',
  'transactionRequestId',
  'originalTransactionRequestId',
  'transactionType',
  'paymentMethodType',
  'paymentTime',
  'transactionAmountValue',
  'transactionCurrency',
  'settlementAmountValue',
  'settlementCurrency',
  'settlementInitiatedDate',
  'quoteCurrencyPair',
  'quotePrice',
  'convertedTransactionAmountValue',
  'paymentMethodFeeAmountValue',
  'paymentMethodFeeCurrency',
  'processingFeeAmountValue',
  'processingFeeCurrency',
  'taxFeeAmountValue',
  'taxFeeCurrency',
  'refundFeeAmountValue',
  'refundFeeCurrency',
] as const;

/** §13.4 (as far as published). */
export const AMS_SETTLEMENT_DETAIL_COLUMNS = [
  'settlementBatchId',
  'customerId',
  'referenceMerchantId',
  'referenceStoreId',
  'transactionId',
  'originalTransactionId',
  'transactionRequestId',
  'referenceTransactionId',
  'paymentMethodType',
  'pspName',
  'transactionType',
  'paymentTime',
  'settlementTime',
  'productCode',
  'transactionAmountValue',
  'transactionCurrency',
  'settlementAmountValue',
  'settlementCurrency',
  'quoteCurrencyPair',
  'quotePrice',
  'feeAmountValue',
  'feeCurrency',
  'nonGuaranteeCouponValue',
  'nonGuaranteeCouponCurrency',
] as const;

export const CURRENT_SETTLEMENT_SUMMARY_COLUMNS = [
  'settlementBatchId',
  'customerId',
  'PSP',
  'summaryType',
  'paymentMethodType',
  'settlementInitiatedDate',
  'count',
  'settlementAmountValue',
  'settlementCurrency',
  'paymentMethodFeeAmountValue',
  'paymentMethodFeeCurrency',
  'taxFeeAmountValue',
  'taxFeeCurrency',
  'processingFeeAmountValue',
  'processingFeeCurrency',
] as const;

/** §13.5, the Auto Debit header, verbatim. */
export const AMS_SETTLEMENT_SUMMARY_COLUMNS = [
  'settlementBatchId',
  'customerId',
  'acquirer',
  'summaryType',
  'settlementTime',
  'count',
  'settlementAmountValue',
  'settlementCurrency',
  'feeAmountValue',
  'feeCurrency',
  'taxFeeAmountValue',
  'taxFeeCurrency',
  'processingFeeAmountValue',
  'processingFeeCurrency',
  'nonGuaranteeCouponValue',
  'nonGuaranteeCouponCurrency',
  'disputeHandlingFee',
  'disputeHandlingFeeCurrency',
  'disputeReverseFee',
  'disputeReverseFeeCurrency',
  'interchangeFeeAmountValue',
  'interchangeFeeCurrency',
  'schemeFeeAmountValue',
  'schemeFeeCurrency',
  'acquirerMarkupAmountValue',
  'acquirerMarkupCurrency',
] as const;

const DEFAULT_ACQUIRER = 'ALIPAY_SG';
const ERROR_CORRECTION_ACQUIRERS = new Set(['HUNDSUN', '2C2P']);

type TxType = 'PAYMENT' | 'REFUND' | 'CANCEL' | 'REFUND_REVERSAL' | 'SETTLEMENT_FEE';

/** Types whose money flows to the merchant (positive in the settlement currency). */
const INFLOW: ReadonlySet<TxType> = new Set(['PAYMENT', 'REFUND_REVERSAL']);

/** One transaction of a day as it appears in the files, amounts in minor units. */
interface TxLine {
  type: TxType;
  status: 'SUCCESS' | 'FAIL';
  reason: string;
  at: number;
  transactionId: string;
  originalTransactionId: string;
  transactionRequestId: string;
  originalTransactionRequestId: string;
  referenceOrderId: string;
  orderDescription: string;
  wallet: string;
  amountMinor: bigint;
  currency: string;
  /** Settlement side (SUCCESS only). */
  settlementCurrency: string;
  quotePair: string;
  quotePrice: string;
  /** Signed transaction amount in the settlement currency. */
  grossMinor: bigint;
  /** Fees split over two columns, signed (charged negative). */
  methodFeeMinor: bigint;
  taxFeeMinor: bigint;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csv(columns: readonly string[], rows: Record<string, string>[], extraLines: string[] = []): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c] ?? '')).join(','));
  lines.push(...extraLines, '<END>');
  return `${lines.join('\n')}\n`;
}

/** amount × quote, half up, exact: minor units of `to`. */
function convert(amountMinor: bigint, from: string, to: string, quote: string): bigint {
  const [whole, frac = ''] = quote.split('.');
  const num = amountMinor * BigInt(whole! + frac) * 10n ** BigInt(exp(to));
  const den = 10n ** BigInt(frac.length) * 10n ** BigInt(exp(from));
  return (num * 2n + den) / (den * 2n);
}

/**
 * The transaction amount as written: the older file writes money leaving the merchant negative; the current
 * one writes positive amounts (direction in the type) except a charged SETTLEMENT_FEE, which is negative in both.
 */
function signedAmount(t: TxLine, ams: boolean): bigint {
  if (t.type === 'SETTLEMENT_FEE') return -t.amountMinor;
  return ams && !INFLOW.has(t.type) ? -t.amountMinor : t.amountMinor;
}

/** "1.50" in `currency` → minor units (at most the currency's decimals). */
function majorToMinor(value: string, currency: string): bigint {
  const [whole, frac = ''] = value.split('.');
  const e = exp(currency);
  if (frac.length > e && /[^0]/.test(frac.slice(e))) throw new Error(`reports.settlementFee ${value} has more decimals than ${currency} allows`);
  return BigInt(whole! + frac.slice(0, e).padEnd(e, '0'));
}

function exp(currency: string): number {
  return currencyExponent(currency);
}

export interface ReportSettings {
  merchantId: string;
  variant: 'current' | 'ams';
  acquirer: string;
  settleIn: Record<string, string>;
  quotes: Record<string, string>;
  /** Major units charged per settlement batch as a SETTLEMENT_FEE row; '' = none. */
  settlementFee: string;
}

export function reportSettingsOf(client: ClientRecord | undefined, clientId: string): ReportSettings {
  const r = client?.reports ?? {};
  return {
    merchantId: r.merchantId ?? localMerchantId(clientId),
    variant: r.variant ?? 'current',
    acquirer: r.acquirer ?? DEFAULT_ACQUIRER,
    settleIn: r.settleIn ?? {},
    quotes: r.quotes ?? {},
    settlementFee: r.settlementFee ?? '',
  };
}

export class ReportWriter {
  /** The SFTP root (`<dataDir>/simulator/sftp`), or undefined when files stay in memory. */
  readonly dir: string | undefined;
  /** Files kept in memory when there is no data directory, by relative path. */
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly store: SimStore,
    dataDir: string | undefined,
    private readonly fees: { rateBps: bigint; refundReturnsFee: boolean } = { rateBps: 200n, refundReturnsFee: false },
  ) {
    this.dir = dataDir ? path.join(dataDir, 'simulator', 'sftp') : undefined;
  }

  /** Writes the reports of GMT+8 day `date` for every client with activity that day; returns their relative paths. */
  generate(date: string): string[] {
    const s = this.store.state;
    const written: string[] = [];
    const lines = new Map<string, TxLine[]>();
    const add = (clientId: string, line: TxLine) => {
      const list = lines.get(clientId) ?? [];
      list.push(line);
      lines.set(clientId, list);
    };
    const settingsOf = (clientId: string) => reportSettingsOf(s.clients[clientId], clientId);

    for (const e of s.ledger) {
      if (gmt8Day(e.at) !== date) continue;
      const p = s.payments[e.paymentId];
      const type: TxType = e.kind === 'DEBIT' ? 'PAYMENT' : e.kind === 'REFUND' ? 'REFUND' : e.kind === 'REFUND_REVERSAL' ? 'REFUND_REVERSAL' : 'CANCEL';
      const refund = type === 'REFUND';
      // A returned refund (REFUND_REVERSAL) is a transaction of its own that points at the refund (UNVERIFIED
      // id form: Antom's documentation names the type only).
      const reversal = type === 'REFUND_REVERSAL';
      add(e.clientId, this.line(settingsOf(e.clientId), {
        type,
        status: 'SUCCESS',
        reason: '',
        at: e.at,
        transactionId: reversal ? `${e.refundId ?? ''}R` : refund ? (e.refundId ?? '') : e.paymentId,
        originalTransactionId: reversal ? (e.refundId ?? '') : refund || type === 'CANCEL' ? e.paymentId : '',
        transactionRequestId: reversal ? '' : refund ? (e.refundRequestId ?? '') : e.paymentRequestId,
        originalTransactionRequestId: reversal ? (e.refundRequestId ?? '') : refund ? e.paymentRequestId : '',
        referenceOrderId: p?.referenceOrderId ?? '',
        orderDescription: p?.orderDescription ?? '',
        wallet: e.wallet,
        amountMinor: e.amountMinor,
        currency: e.currency,
        feeMinor: type === 'PAYMENT' ? e.feeMinor : type === 'CANCEL' || (refund && this.fees.refundReturnsFee) ? e.feeMinor : 0n,
      }));
    }
    // Failures: only the current variant lists them (status FAIL); nothing settles.
    for (const p of Object.values(s.payments)) {
      if (p.status !== 'FAIL' || gmt8Day(p.paymentTime ?? p.createdAt) !== date) continue;
      add(p.clientId, this.line(settingsOf(p.clientId), {
        type: 'PAYMENT', status: 'FAIL', reason: p.resultCode, at: p.paymentTime ?? p.createdAt, transactionId: p.paymentId, originalTransactionId: '',
        transactionRequestId: p.paymentRequestId, originalTransactionRequestId: '', referenceOrderId: p.referenceOrderId, orderDescription: p.orderDescription,
        wallet: p.wallet, amountMinor: p.amountMinor, currency: p.currency, feeMinor: 0n,
      }));
    }
    for (const r of Object.values(s.refunds)) {
      if (r.status !== 'FAIL' || gmt8Day(r.refundTime ?? r.createdAt) !== date) continue;
      const p = s.payments[r.paymentId];
      add(r.clientId, this.line(settingsOf(r.clientId), {
        type: 'REFUND', status: 'FAIL', reason: r.resultCode, at: r.refundTime ?? r.createdAt, transactionId: r.refundId, originalTransactionId: r.paymentId,
        transactionRequestId: r.refundRequestId, originalTransactionRequestId: p?.paymentRequestId ?? '', referenceOrderId: p?.referenceOrderId ?? '',
        orderDescription: p?.orderDescription ?? '', wallet: p?.wallet ?? '', amountMinor: r.amountMinor, currency: r.currency, feeMinor: 0n,
      }));
    }
    // A client that has transacted before but not today still gets an (empty) summary in its currency.
    const active = new Set(Object.values(s.payments).filter((p) => gmt8Day(p.createdAt) <= date).map((p) => p.clientId));
    for (const clientId of [...new Set([...lines.keys(), ...active])].sort()) {
      written.push(...this.writeClient(date, settingsOf(clientId), (lines.get(clientId) ?? []).sort((a, b) => a.at - b.at || a.transactionRequestId.localeCompare(b.transactionRequestId)), clientId));
    }
    return written;
  }

  private line(settings: ReportSettings, t: Omit<TxLine, 'settlementCurrency' | 'quotePair' | 'quotePrice' | 'grossMinor' | 'methodFeeMinor' | 'taxFeeMinor'> & { feeMinor: bigint }): TxLine {
    const settlementCurrency = settings.settleIn[t.currency] ?? settings.settleIn['*'] ?? t.currency;
    const sign = INFLOW.has(t.type) ? 1n : -1n;
    let quotePair = '';
    let quotePrice = '';
    let gross = t.amountMinor;
    let fee = t.feeMinor;
    if (settlementCurrency !== t.currency) {
      quotePair = `${t.currency}/${settlementCurrency}`;
      quotePrice = settings.quotes[quotePair] ?? '1';
      gross = convert(t.amountMinor, t.currency, settlementCurrency, quotePrice);
      // The fee is charged in the settlement currency, on the converted amount.
      fee = t.feeMinor === 0n ? 0n : (gross * this.fees.rateBps + 5_000n) / 10_000n;
    }
    // Charged fees negative (payments), returned fees positive (refunds, cancels); a tenth of it as tax.
    const signedFee = t.type === 'PAYMENT' ? -fee : fee;
    const tax = signedFee / 10n;
    return {
      ...t,
      settlementCurrency,
      quotePair,
      quotePrice,
      grossMinor: t.status === 'SUCCESS' ? sign * gross : 0n,
      methodFeeMinor: t.status === 'SUCCESS' ? signedFee - tax : 0n,
      taxFeeMinor: t.status === 'SUCCESS' ? tax : 0n,
    };
  }

  private writeClient(date: string, settings: ReportSettings, txs: TxLine[], clientId: string): string[] {
    const written: string[] = [];
    const compact = date.replaceAll('-', '');
    const settleMs = Date.parse(`${date}T00:00:00+08:00`) + 86_400_000;
    const settleDay = gmt8Day(settleMs);
    const settleCompact = settleDay.replaceAll('-', '');
    const folder = `v1/settlements/${settings.merchantId}`;
    const m = (minor: bigint, cur: string) => toMajorString(minor, cur);
    const ams = settings.variant === 'ams';

    // A client configured with reports.settlementFee is charged it once per settlement batch of the day: a
    // SETTLEMENT_FEE transaction (§13.6) in the settlement currency, negative (charged), no fee columns.
    if (settings.settlementFee) {
      for (const cur of [...new Set(txs.filter((t) => t.status === 'SUCCESS').map((t) => t.settlementCurrency))].sort()) {
        const feeMinor = majorToMinor(settings.settlementFee, cur);
        if (feeMinor === 0n) continue;
        const batchId = `${settleCompact}${cur}${settings.merchantId.slice(-6)}`;
        txs.push({
          type: 'SETTLEMENT_FEE', status: 'SUCCESS', reason: '', at: settleMs - 1_000, transactionId: `SF${batchId}`, originalTransactionId: '',
          transactionRequestId: '', originalTransactionRequestId: '', referenceOrderId: '', orderDescription: 'settlement fee', wallet: '',
          amountMinor: feeMinor, currency: cur, settlementCurrency: cur, quotePair: '', quotePrice: '', grossMinor: -feeMinor, methodFeeMinor: 0n, taxFeeMinor: 0n,
        });
      }
    }

    // Transaction details (folder T).
    if (txs.length > 0) {
      const visible = ams ? txs.filter((t) => t.status === 'SUCCESS') : txs;
      const rows = visible.map((t) => {
        const fees = t.methodFeeMinor + t.taxFeeMinor;
        const settled = t.status === 'SUCCESS';
        const base: Record<string, string> = {
          customerId: settings.merchantId,
          PSP: settings.acquirer,
          pspName: t.wallet,
          transactionId: t.transactionId,
          originalTransactionId: t.originalTransactionId,
          transactionRequestId: t.transactionRequestId,
          referenceTransactionId: t.referenceOrderId,
          orderDescription: t.orderDescription,
          paymentMethodType: t.wallet,
          transactionType: t.type,
          status: t.status,
          reason: t.status === 'FAIL' ? t.reason : '',
          paymentTime: isoTime(t.at),
          productCode: 'AGREEMENT_PAYMENT',
          // The older file writes refunds and cancels negative; the current one positive (direction in the type).
          transactionAmountValue: m(signedAmount(t, ams), t.currency),
          transactionCurrency: t.currency,
        };
        if (!ams) {
          Object.assign(base, {
            settlementAmountValue: settled ? m(t.grossMinor + fees, t.settlementCurrency) : '',
            settlementCurrency: settled ? t.settlementCurrency : '',
            quoteCurrencyPair: t.quotePair,
            quotePrice: t.quotePrice,
            convertedTransactionAmountValue: t.quotePair && settled ? m(t.grossMinor < 0n ? -t.grossMinor : t.grossMinor, t.settlementCurrency) : '',
            paymentMethodFeeAmountValue: settled ? m(t.methodFeeMinor, t.settlementCurrency) : '',
            paymentMethodFeeCurrency: settled ? t.settlementCurrency : '',
            processingFeeAmountValue: settled ? m(0n, t.settlementCurrency) : '',
            processingFeeCurrency: settled ? t.settlementCurrency : '',
            taxFeeAmountValue: settled ? m(t.taxFeeMinor, t.settlementCurrency) : '',
            taxFeeCurrency: settled ? t.settlementCurrency : '',
          });
        }
        return base;
      });
      const name = ams ? `${settings.merchantId}_fptrade_${compact}.csv` : `transactionItems_${compact}_000.csv`;
      written.push(this.write(`${folder}/${compact}/${name}`, csv(ams ? AMS_TRANSACTION_COLUMNS : CURRENT_TRANSACTION_COLUMNS, rows)));
    }

    // Settlement details and summary, one batch per settlement currency (folder T+1).
    const settled = txs.filter((t) => t.status === 'SUCCESS');
    const currencies = [...new Set(settled.map((t) => t.settlementCurrency))].sort();
    if (currencies.length === 0) {
      const last = this.lastCurrency(clientId) ?? 'USD';
      currencies.push(settings.settleIn[last] ?? settings.settleIn['*'] ?? last);
    }
    for (const cur of currencies) {
      const batch = settled.filter((t) => t.settlementCurrency === cur);
      const batchId = `${settleCompact}${cur}${settings.merchantId.slice(-6)}`;
      const detailRows = batch.map((t) => ({
        settlementBatchId: batchId,
        customerId: settings.merchantId,
        PSP: settings.acquirer,
        pspName: t.wallet,
        transactionId: t.transactionId,
        originalTransactionId: t.originalTransactionId,
        transactionRequestId: t.transactionRequestId,
        originalTransactionRequestId: t.originalTransactionRequestId,
        referenceTransactionId: t.referenceOrderId,
        transactionType: t.type,
        paymentMethodType: t.wallet,
        paymentTime: isoTime(t.at),
        settlementTime: isoTime(settleMs),
        productCode: 'AGREEMENT_PAYMENT',
        transactionAmountValue: m(signedAmount(t, ams), t.currency),
        transactionCurrency: t.currency,
        settlementAmountValue: m(t.grossMinor + t.methodFeeMinor + t.taxFeeMinor, cur),
        settlementCurrency: cur,
        settlementInitiatedDate: settleDay,
        quoteCurrencyPair: t.quotePair,
        quotePrice: t.quotePrice,
        convertedTransactionAmountValue: t.quotePair ? m(t.grossMinor < 0n ? -t.grossMinor : t.grossMinor, cur) : '',
        feeAmountValue: m(t.methodFeeMinor + t.taxFeeMinor, cur),
        feeCurrency: cur,
        paymentMethodFeeAmountValue: m(t.methodFeeMinor, cur),
        paymentMethodFeeCurrency: cur,
        processingFeeAmountValue: m(0n, cur),
        processingFeeCurrency: cur,
        taxFeeAmountValue: m(t.taxFeeMinor, cur),
        taxFeeCurrency: cur,
        refundFeeAmountValue: m(0n, cur),
        refundFeeCurrency: cur,
        nonGuaranteeCouponValue: m(0n, cur),
        nonGuaranteeCouponCurrency: cur,
      }));
      if (batch.length > 0) {
        written.push(this.write(`${folder}/${settleCompact}/settlementItems_${cur}_${batchId}_000.csv`, csv(ams ? AMS_SETTLEMENT_DETAIL_COLUMNS : CURRENT_SETTLEMENT_DETAIL_COLUMNS, detailRows)));
      }
      const types = (['PAYMENT', 'REFUND', 'CANCEL', 'REFUND_REVERSAL', 'SETTLEMENT_FEE'] as const).filter((type) => batch.some((t) => t.type === type));
      const summaryRow = (summaryType: string, rows: TxLine[]) => {
        const method = rows.reduce((a, t) => a + t.methodFeeMinor, 0n);
        const tax = rows.reduce((a, t) => a + t.taxFeeMinor, 0n);
        const net = rows.reduce((a, t) => a + t.grossMinor + t.methodFeeMinor + t.taxFeeMinor, 0n);
        const zero = m(0n, cur);
        return {
          settlementBatchId: batchId,
          customerId: settings.merchantId,
          PSP: settings.acquirer,
          acquirer: settings.acquirer,
          summaryType,
          paymentMethodType: '',
          settlementInitiatedDate: settleDay,
          settlementTime: isoTime(settleMs),
          count: String(rows.length),
          settlementAmountValue: m(net, cur),
          settlementCurrency: cur,
          feeAmountValue: m(method, cur),
          feeCurrency: cur,
          paymentMethodFeeAmountValue: m(method, cur),
          paymentMethodFeeCurrency: cur,
          taxFeeAmountValue: m(tax, cur),
          taxFeeCurrency: cur,
          processingFeeAmountValue: zero,
          processingFeeCurrency: cur,
          ...Object.fromEntries(
            ['nonGuaranteeCoupon', 'disputeHandlingFee', 'disputeReverseFee', 'interchangeFee', 'schemeFee', 'acquirerMarkup'].flatMap((k) => {
              const value = k === 'nonGuaranteeCoupon' ? 'nonGuaranteeCouponValue' : k.endsWith('Fee') && k.startsWith('dispute') ? k : `${k}AmountValue`;
              const currency = k === 'nonGuaranteeCoupon' ? 'nonGuaranteeCouponCurrency' : `${k}Currency`;
              return [[value, zero], [currency, cur]];
            }),
          ),
        };
      };
      const typed = types.map((type) => summaryRow(type, batch.filter((t) => t.type === type)));
      const total = summaryRow('TOTAL', batch);
      const rows = ams ? [...typed, total] : [total, ...typed];
      const extra = ERROR_CORRECTION_ACQUIRERS.has(settings.acquirer.toUpperCase()) ? [`ERROR_CORRECTION,${batchId},0,${cur}`] : [];
      written.push(this.write(`${folder}/${settleCompact}/settlementSummary_${cur}_${batchId}_000.csv`, csv(ams ? AMS_SETTLEMENT_SUMMARY_COLUMNS : CURRENT_SETTLEMENT_SUMMARY_COLUMNS, rows, extra)));
    }
    return written;
  }

  private lastCurrency(clientId: string): string | undefined {
    const mine = Object.values(this.store.state.payments).filter((p) => p.clientId === clientId);
    return mine[mine.length - 1]?.currency;
  }

  private write(rel: string, text: string): string {
    if (this.dir) {
      const file = path.join(this.dir, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    } else {
      this.memory.set(rel, text);
    }
    return rel;
  }

  /** Creates `v1/settlements/<merchantId>/` for every registered client (the folders Antom's SFTP has from onboarding). */
  ensureMerchantFolders(): void {
    if (!this.dir) return;
    for (const [clientId, client] of Object.entries(this.store.state.clients)) {
      mkdirSync(path.join(this.dir, 'v1', 'settlements', reportSettingsOf(client, clientId).merchantId), { recursive: true });
    }
  }

  /** Every report file, as paths relative to the SFTP root (`v1/settlements/<merchantId>/<day>/<name>`). */
  list(): string[] {
    if (!this.dir) return [...this.memory.keys()].sort();
    const out: string[] = [];
    const walk = (rel: string, depth: number) => {
      const abs = path.join(this.dir!, rel);
      if (!existsSync(abs)) return;
      for (const e of readdirSync(abs, { withFileTypes: true })) {
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory() && depth < 5) walk(child, depth + 1);
        else if (e.isFile() && /\.(csv|xlsx)$/.test(e.name)) out.push(child);
      }
    };
    walk('', 0);
    return out.sort();
  }

  /** The file's path on disk (or undefined), for a relative path or a bare file name; never outside the root. */
  resolve(name: string): string | undefined {
    if (!/^[A-Za-z0-9_./-]+$/.test(name) || name.split('/').some((p) => p === '..' || p === '.' || p === '') || !this.dir) return undefined;
    const rel = name.includes('/') ? name : this.list().find((f) => f.endsWith(`/${name}`) || f === name);
    if (!rel) return undefined;
    const file = path.join(this.dir, rel);
    return existsSync(file) && statSync(file).isFile() ? file : undefined;
  }

  /** The file's text, or undefined. */
  read(name: string): string | undefined {
    if (!this.dir) return this.memory.get(name) ?? [...this.memory.entries()].find(([k]) => k.endsWith(`/${name}`))?.[1];
    const file = this.resolve(name);
    return file ? readFileSync(file, 'utf8') : undefined;
  }
}
