// XLSX reports (Antom Dashboard downloads) give exactly the rows the CSV of the same day gives — amounts
// typed as spreadsheet numbers included — and match the same way: guarding against a second, drifting
// reading of the same report.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRows } from '@/lib/db/schema';
import { importReportFile } from '@/lib/reconciliation/import-report-file';
import { matchReportDay } from '@/lib/reconciliation/match-report-day';
import { insertAgreement, insertPayment } from '../helpers/ledger-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

const MID = '1022188000000000001';
const HEADER =
  'customerId,PSP,ARN,transactionId,originalTransactionId,transactionRequestId,paymentMethodType,transactionType,status,reason,paymentTime,transactionAmountValue,transactionCurrency,settlementAmountValue,settlementCurrency,quoteCurrencyPair,quotePrice,convertedTransactionAmountValue,paymentMethodFeeAmountValue,paymentMethodFeeCurrency,taxFeeAmountValue,taxFeeCurrency';
const CSV = [
  HEADER,
  `${MID},ALIPAY_SG,,p1,,r1,GCASH,PAYMENT,SUCCESS,,2026-11-30T10:00:00+08:00,100.00,PHP,98.00,PHP,,,,-1.80,PHP,-0.20,PHP`,
  `${MID},ALIPAY_SG,,p2,,r2,GCASH,PAYMENT,FAIL,USER_BALANCE_NOT_ENOUGH,2026-11-30T11:00:00+08:00,20.50,PHP,,,,,,,,,`,
  `${MID},ALIPAY_SG,,k1,,rk1,KAKAOPAY,PAYMENT,SUCCESS,,2026-11-30T12:00:00+08:00,9000,KRW,6.61,USD,KRW/USD,0.00075,6.75,-0.13,USD,-0.01,USD`,
  `${MID},ALIPAY_SG,,f1,p1,rf1,GCASH,REFUND,SUCCESS,,2026-11-30T13:00:00+08:00,40.00,PHP,-40.00,PHP,,,,0.00,PHP,0.00,PHP`,
  '<END>',
].join('\n');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-xlsx-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The same report as a spreadsheet would hold it: amounts and quotes as numbers, the rest as text. */
async function toXlsx(csv: string, file: string, { withEnd = true } = {}): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = workbook.addWorksheet('TRANSACTION_DETAIL');
  const lines = csv.split('\n');
  const header = lines[0]!.split(',');
  for (const [i, line] of lines.entries()) {
    if (line === '<END>') {
      if (withEnd) sheet.addRow(['<END>']).commit();
      continue;
    }
    const values = line.split(',').map((v, c) => (i > 0 && v !== '' && /(AmountValue|quotePrice)$/.test(header[c]!) ? Number(v) : v));
    sheet.addRow(values).commit();
  }
  sheet.commit();
  await workbook.commit();
}

describe(`XLSX reports (${testDatabaseKind()})`, { timeout: 120_000 }, () => {
  it('give the same rows as the CSV of the same day, and match the same', async () => {
    const database = await createTestDatabase();
    try {
      const owner = await insertAgreement(database.db);
      for (const [id, amount, currency, status] of [['1', 10000n, 'PHP', 'SUCCEEDED'], ['2', 2050n, 'PHP', 'FAILED'], ['k1', 9000n, 'KRW', 'SUCCEEDED']] as const) {
        await insertPayment(database.db, owner, {
          paymentRequestId: id === 'k1' ? 'rk1' : `r${id}`, paymentId: id === 'k1' ? 'k1' : `p${id}`, amountMinor: amount, currency, status,
          succeededAt: status === 'SUCCEEDED' ? new Date('2026-11-30T12:00:00+08:00') : null, paymentTime: new Date('2026-11-30T12:00:00+08:00'),
        });
      }
      const csvPath = path.join(dir, 'transactionItems_20261130_000.csv');
      writeFileSync(csvPath, CSV);
      const xlsxPath = path.join(dir, 'TRANSACTION_DETAIL_1_20261130.xlsx');
      await toXlsx(CSV, xlsxPath);
      const noEndPath = path.join(dir, 'no-end.xlsx');
      await toXlsx(CSV, noEndPath, { withEnd: false });

      const csv = await importReportFile(database.db, { filePath: csvPath, fileName: path.basename(csvPath), source: 'upload', merchantId: MID, copyUrl: database.url });
      const xlsx = await importReportFile(database.db, { filePath: xlsxPath, fileName: path.basename(xlsxPath), source: 'upload', merchantId: MID, copyUrl: database.url });
      const noEnd = await importReportFile(database.db, { filePath: noEndPath, fileName: 'TRANSACTION_DETAIL_2_20261130.xlsx', source: 'upload', merchantId: MID, copyUrl: database.url });
      expect(csv).toMatchObject({ ok: true, data: { kind: 'transaction_details', reportDate: '2026-11-30', rowCount: 4 } });
      expect(xlsx).toMatchObject({ ok: true, data: { kind: 'transaction_details', reportDate: '2026-11-30', rowCount: 4, typeCounts: { PAYMENT: 3, REFUND: 1 } } });
      expect(noEnd).toMatchObject({ ok: true, data: { rowCount: 4 } });

      const rowsOf = async (fileId: string) =>
        (await database.db.select().from(reportRows).where(eq(reportRows.fileId, fileId)).orderBy(asc(reportRows.lineNo))).map(({ id: _id, fileId: _f, ...rest }) => rest);
      const fromCsv = await rowsOf(csv.ok ? csv.data.fileId : '');
      expect(fromCsv.length).toBe(4);
      expect(await rowsOf(xlsx.ok ? xlsx.data.fileId : '')).toEqual(fromCsv);
      expect(await rowsOf(noEnd.ok ? noEnd.data.fileId : '')).toEqual(fromCsv);
      expect(fromCsv[2]).toMatchObject({ amountMinor: 9000n, grossSettlementMinor: 675n, quoteExpectedMinor: 675n, feeMinor: -14n, netSettlementMinor: 661n });
      // Only the refund (of a payment whose refund we never recorded) differs.
      expect((await matchReportDay(database.db, '2026-11-30')).open).toEqual({ missing_in_ledger: 1 });
    } finally {
      await database.close();
    }
  });

  it('refuses a damaged XLSX with a clear reason', async () => {
    const database = await createTestDatabase();
    try {
      const good = path.join(dir, 'good.xlsx');
      await toXlsx(CSV, good);
      const bytes = readFileSync(good);
      const damaged = path.join(dir, 'damaged.xlsx');
      writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const result = await importReportFile(database.db, { filePath: damaged, fileName: 'TRANSACTION_DETAIL_3_20261130.xlsx', source: 'upload', merchantId: MID, copyUrl: database.url });
      expect(result).toMatchObject({ ok: false });
      expect(!result.ok && result.error).toMatch(/XLSX|cannot be read|<END>|empty/);
    } finally {
      await database.close();
    }
  });
});
