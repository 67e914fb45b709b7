// The importer reads Antom's reports by header in every published variant (ams-api.md §13): the older AMS
// and current headers, synonyms, doc-sample quirks (spaces after commas, a trailing comma), BOM, CRLF and
// quotes; major-unit amounts by currency exponent; negative refunds; fees summed with Antom's signs; the
// merchant id; every §13.6 type loaded and counted. Guards against files refused or — worse — misread.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { convert, parseReportStream, type ParsedReportRow } from './parse-report-stream';
import { readNameHint, TRANSACTION_TYPES } from './report-format';

const MID = '1022188000000000001';
const fixture = (name: string) => readFileSync(path.join(__dirname, '../../test-data/antom-reports', name), 'utf8');

async function parse(text: string, { fileName = 'report.csv', chunkSize = 7, merchantId = MID as string | undefined, folderDay = null as string | null } = {}) {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const rows: ParsedReportRow[] = [];
  const result = await parseReportStream(Readable.from(chunks), { merchantId, fileName, folderDay, onBatch: async (b) => void rows.push(...b) });
  return { rows, result };
}

const CURRENT_TX =
  'customerId,PSP,ARN,referenceMerchantId,referenceStoreId,transactionId,originalTransactionId,transactionRequestId,referenceTransactionId,paymentMethodType,transactionType,status,reason,paymentTime,transactionAmountValue,transactionCurrency,settlementAmountValue,settlementCurrency,quoteCurrencyPair,quotePrice,convertedTransactionAmountValue,paymentMethodFeeAmountValue,paymentMethodFeeCurrency,processingFeeAmountValue,processingFeeCurrency,taxFeeAmountValue,taxFeeCurrency,someNewColumn';

describe('parseReportStream: the documentation samples', () => {
  it('reads the older AMS transaction file (header with spaces, trailing commas, CRLF, integer KRW, a negative refund)', async () => {
    const { rows, result } = await parse(fixture('ams-transaction-items.csv'), { fileName: `${MID}_fptrade_20181225.csv` });
    expect(result).toMatchObject({ kind: 'transaction_details', variant: 'ams', reportDate: '2018-12-25', rowCount: 3, typeCounts: { PAYMENT: 2, REFUND: 1 } });
    expect(rows.map((r) => [r.transactionType, r.transactionRequestId, r.amountMinor, r.currency, r.transactionStatus])).toEqual([
      ['PAYMENT', 'PAY_20181225_0001', 9000n, 'KRW', null],
      ['PAYMENT', 'PAY_20181225_0002', 120000n, 'KRW', null],
      ['REFUND', 'REFUND_20181225_0001', 9000n, 'KRW', null],
    ]);
    expect(rows[2]!.transactionTime).toBe('2018-12-25T15:20:00+08:00');
    expect(result.ignoredColumns).toEqual(expect.arrayContaining(['referenceMerchantId', 'orderDescription', 'productCode']));
  });

  it('reads the Auto Debit settlement summary (acquirer, count, TOTAL first, decimals, fee columns summed, net)', async () => {
    const { rows, result } = await parse(fixture('autodebit-settlement-summary.csv'), { fileName: 'settlementSummary_USD_2018122611000001_000.csv' });
    expect(result).toMatchObject({ kind: 'settlement_summary', reportDate: '2018-12-26', settlementBatchId: '2018122611000001', typeCounts: { TOTAL: 1, PAYMENT: 1, REFUND: 1 } });
    expect(rows.map((r) => [r.summaryType, r.transactionCount, r.netSettlementMinor, r.feeMinor])).toEqual([
      ['TOTAL', 3, 8924n, -196n],
      ['PAYMENT', 2, 9608n, -196n],
      ['REFUND', 1, -684n, 0n],
    ]);
  });
});

describe('parseReportStream: current files', () => {
  it('reads status, fees over several columns, the net, cross-currency quotes, synonyms and unknown columns', async () => {
    const text = [
      `\uFEFF${CURRENT_TX}`,
      `${MID},ALIPAY_SG,,,,p1,,r1,,GCASH,PAYMENT,SUCCESS,,2026-11-30T10:00:00+08:00,100.00,PHP,97.50,PHP,,,,-2.00,PHP,-0.30,PHP,-0.20,PHP,x`,
      `${MID},ALIPAY_SG,,,,p2,,r2,,KAKAOPAY,PAYMENT,FAIL,USER_BALANCE_NOT_ENOUGH,2026-11-30T11:00:00+08:00,9000,KRW,0,USD,KRW/USD,0.00075,6.75,0,USD,0,USD,0,USD,`,
      `${MID},ALIPAY_SG,,,,f1,p1,rf1,,GCASH,REFUND,SUCCESS,,2026-11-30T12:00:00+08:00,-40.00,PHP,-40.00,PHP,,,,0,PHP,0,PHP,0,PHP,`,
      '<END>',
    ].join('\r\n');
    const { rows, result } = await parse(text, { fileName: 'transactionItems_20261130_000.csv' });
    expect(result).toMatchObject({ kind: 'transaction_details', variant: 'current', reportDate: '2026-11-30', ignoredColumns: ['referenceMerchantId', 'referenceStoreId', 'referenceTransactionId', 'someNewColumn'] });
    expect(rows[0]).toMatchObject({ transactionStatus: 'SUCCESS', amountMinor: 10000n, feeMinor: -250n, grossSettlementMinor: 10000n, netSettlementMinor: 9750n, settlementCurrency: 'PHP' });
    expect(rows[1]).toMatchObject({ transactionStatus: 'FAIL', note: 'USER_BALANCE_NOT_ENOUGH', amountMinor: 9000n, grossSettlementMinor: 675n, quoteExpectedMinor: 675n, settlementCurrency: 'USD' });
    expect(rows[2]).toMatchObject({ transactionType: 'REFUND', amountMinor: 4000n, grossSettlementMinor: -4000n, netSettlementMinor: -4000n, originalTransactionId: 'p1' });
  });

  it('loads and counts every §13.6 transaction type, and an unknown one, never refusing the file for them', async () => {
    const header = 'settlementBatchId,customerId,PSP,transactionId,transactionRequestId,transactionType,transactionAmountValue,transactionCurrency,settlementAmountValue,settlementCurrency,settlementInitiatedDate';
    const types = [...TRANSACTION_TYPES, 'SOMETHING_NEW'];
    const lines = types.map((t, i) => `B1,${MID},ALIPAY_SG,t${i},${t === 'PAYMENT' || t === 'REFUND' || t === 'CANCEL' ? `r${i}` : ''},${t},1.00,USD,1.00,USD,2026-12-01`);
    const { result } = await parse([header, ...lines, '<END>'].join('\n'), { fileName: 'settlementItems_USD_B1_000.csv' });
    expect(result.kind).toBe('settlement_details');
    expect(result.rowCount).toBe(types.length);
    for (const t of types) expect(result.typeCounts[t]).toBe(1);
    expect(result.reportDate).toBe('2026-12-01');
  });

  it('accepts an error-correction line before <END> in a summary, and a zero-total summary of an empty batch', async () => {
    const header = 'settlementBatchId,customerId,PSP,summaryType,settlementInitiatedDate,count,settlementAmountValue,settlementCurrency,paymentMethodType';
    const withCorrection = [header, `B2,${MID},HUNDSUN,PAYMENT,2026-12-01,1,9.80,USD,`, `B2,${MID},HUNDSUN,TOTAL,2026-12-01,1,9.80,USD,`, 'ERROR_CORRECTION,adjusted batch B1 by -0.01 USD', '<END>'].join('\n');
    const a = await parse(withCorrection, { fileName: 'settlementSummary_USD_B2_000.csv' });
    expect(a.result.typeCounts).toEqual({ PAYMENT: 1, TOTAL: 1, ERROR_CORRECTION: 1 });
    expect(a.rows[2]).toMatchObject({ summaryType: 'ERROR_CORRECTION', note: 'ERROR_CORRECTION,adjusted batch B1 by -0.01 USD' });
    const empty = await parse([header, `B3,${MID},ALIPAY_SG,TOTAL,2026-12-01,0,0.00,USD,`, '<END>'].join('\n'), { fileName: 'settlementSummary_USD_B3_000.csv' });
    expect(empty.result).toMatchObject({ rowCount: 1, settlementBatchId: 'B3' });
  });

  it('reads quoted fields, doubled quotes and multi-line fields across chunk boundaries', async () => {
    const header = 'customerId,transactionId,transactionRequestId,transactionType,paymentTime,transactionAmountValue,transactionCurrency,orderDescription';
    const text = `${header}\r\n${MID},p1,"r,1",PAYMENT,2026-11-30T10:00:00+08:00,1.00,PHP,"say ""hi"""\r\n${MID},p2,r2,PAYMENT,2026-11-30T10:00:00+08:00,0.50,PHP,"two\r\nlines, and 中文"\r\n<END>\r\n`;
    const { rows } = await parse(text, { chunkSize: 5 });
    expect(rows.map((r) => [r.transactionRequestId, r.amountMinor, r.lineNo])).toEqual([
      ['r,1', 100n, 2],
      ['r2', 50n, 3],
    ]);
  });
});

describe('parseReportStream: bad input gets a clear answer', () => {
  const header = 'customerId,transactionId,transactionRequestId,transactionType,paymentTime,transactionAmountValue,transactionCurrency';
  const row = (amount: string, cur = 'USD', customer = MID) => `${customer},p1,r1,PAYMENT,2026-11-30T10:00:00+08:00,${amount},${cur}`;

  it('refuses an amount with more decimals than its currency allows, naming the line', async () => {
    await expect(parse([header, row('1.00'), row('100.5', 'JPY'), '<END>'].join('\n'))).rejects.toMatchObject({ code: 'bad_row', line: 3, message: expect.stringMatching(/Line 3: transactionAmountValue "100\.5" has more decimals than JPY allows \(0\)/) });
    await expect(parse([header, row('1.001'), '<END>'].join('\n'))).rejects.toMatchObject({ line: 2 });
  });

  it('refuses another merchant\'s file, and says to set ANTOM_MERCHANT_ID when it is unset', async () => {
    await expect(parse([header, row('1.00', 'USD', '1022188000000000999'), '<END>'].join('\n'))).rejects.toMatchObject({ code: 'wrong_merchant', line: 2 });
    await expect(parse([header, row('1.00'), '<END>'].join('\n'), { merchantId: '' })).rejects.toMatchObject({ code: 'no_merchant_id', message: expect.stringContaining('ANTOM_MERCHANT_ID') });
  });

  it('refuses a truncated file, a header that is no report, and rows after <END>', async () => {
    await expect(parse([header, row('1.00')].join('\n'))).rejects.toMatchObject({ code: 'no_end_marker' });
    await expect(parse(['name,amount', 'x,1', '<END>'].join('\n'))).rejects.toMatchObject({ code: 'bad_header' });
    await expect(parse([header, '<END>', row('1.00')].join('\n'))).rejects.toMatchObject({ code: 'after_end_marker', line: 3 });
    await expect(parse([header, `${MID},p1,"r1,PAYMENT,x,1,USD`, '<END>'].join('\n'))).rejects.toMatchObject({ code: 'bad_row' });
  });

  it('refuses a summary whose TOTAL disagrees with its rows', async () => {
    const h = 'settlementBatchId,customerId,acquirer,summaryType,count,settlementAmountValue,settlementCurrency';
    await expect(parse([h, `B,${MID},A,PAYMENT,1,9.80,USD`, `B,${MID},A,TOTAL,1,9.81,USD`, '<END>'].join('\n'), { folderDay: '2026-12-01' })).rejects.toMatchObject({ code: 'totals_disagree', line: 3 });
  });
});

describe('report names and conversion', () => {
  it('reads every published name as a hint', () => {
    expect(readNameHint('transactionItems_20261130_000.csv')).toEqual({ kind: 'transaction_details', reportDate: '2026-11-30', settlementBatchId: null });
    expect(readNameHint('settlementItems_KAKAOPAY_USD_2026120100001_001.csv')).toMatchObject({ kind: 'settlement_details', settlementBatchId: '2026120100001' });
    expect(readNameHint('settlementSummary_CONNECTWALLET_USD_B9_000.csv')).toMatchObject({ kind: 'settlement_summary', settlementBatchId: 'B9' });
    expect(readNameHint('TRANSACTION_DETAIL_123_20261130.xlsx')).toMatchObject({ kind: 'transaction_details', reportDate: '2026-11-30' });
    expect(readNameHint('SETTLEMENT_SUMMARY_B7_20261201.csv')).toMatchObject({ kind: 'settlement_summary', settlementBatchId: 'B7', reportDate: '2026-12-01' });
    expect(readNameHint(`${MID}_settle_20181226_B1.csv`)).toMatchObject({ reportDate: '2018-12-26', settlementBatchId: 'B1' });
    expect(readNameHint('whatever.csv')).toEqual({ kind: null, reportDate: null, settlementBatchId: null });
  });

  it('converts with a quote exactly, half up', () => {
    expect(convert(9000n, 'KRW', 'USD', '0.00075')).toBe(675n);
    expect(convert(12345n, 'PHP', 'USD', '0.0175')).toBe(216n); // 123.45 × 0.0175 = 2.160375
    expect(convert(100n, 'USD', 'JPY', '150.5')).toBe(151n); // 1.00 × 150.5 = 150.5 → 151
  });
});
