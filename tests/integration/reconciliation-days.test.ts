// Matching on Antom's day (ams-api.md §13.7): the documentation's own samples load and match a ledger
// built to agree with them; a payment Antom made at 23:59:58 GMT+8 whose notification arrived after
// midnight belongs to the earlier day, with no open item on either day — whether its paymentTime is
// stored or only the time we learned the result is known (then the neighbouring day's file is searched).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { reportFiles } from '@/lib/db/schema';
import { importReportFile } from '@/lib/reconciliation/import-report-file';
import { matchReportDay } from '@/lib/reconciliation/match-report-day';
import { insertAgreement, insertPayment, insertRefund } from '../helpers/ledger-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

const MID = '1022188000000000001';
const FIXTURES = path.join(__dirname, '../../test-data/antom-reports');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-recon-days-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(database: Database, fileName: string, text: string, folderDay: string | null = null) {
  const filePath = path.join(dir, `${Math.random().toString(36).slice(2)}-${fileName}`);
  writeFileSync(filePath, text);
  const result = await importReportFile(database.db, { filePath, fileName, source: 'upload', merchantId: MID, folderDay, copyUrl: database.url });
  if (!result.ok) throw new Error(result.error);
  return result.data;
}

describe(`reconciliation on Antom's day (${testDatabaseKind()})`, { timeout: 120_000 }, () => {
  it("loads the documentation's samples and matches a ledger that agrees with them", async () => {
    const database = await createTestDatabase();
    try {
      const owner = await insertAgreement(database.db, 'KAKAOPAY');
      const p1 = await insertPayment(database.db, owner, {
        paymentRequestId: 'PAY_20181225_0001', paymentId: '2018122519074101000000000112612', amountMinor: 9000n, currency: 'KRW', paymentMethod: 'KAKAOPAY',
        status: 'SUCCEEDED', succeededAt: new Date('2018-12-25T10:00:03+08:00'), paymentTime: new Date('2018-12-25T10:00:00+08:00'),
      });
      await insertPayment(database.db, owner, {
        paymentRequestId: 'PAY_20181225_0002', paymentId: '2018122519074101000000000112613', amountMinor: 120000n, currency: 'KRW', paymentMethod: 'KAKAOPAY',
        status: 'SUCCEEDED', succeededAt: new Date('2018-12-25T11:30:02+08:00'), paymentTime: new Date('2018-12-25T11:30:00+08:00'),
      });
      await insertRefund(database.db, p1, {
        refundRequestId: 'REFUND_20181225_0001', refundId: '2018122519074101000000000112614', amountMinor: 9000n, currency: 'KRW', status: 'SUCCEEDED',
        settledAt: new Date('2018-12-25T15:20:01+08:00'), refundTime: new Date('2018-12-25T15:20:00+08:00'),
      });
      const tx = await load(database, `${MID}_fptrade_20181225.csv`, readFileSync(path.join(FIXTURES, 'ams-transaction-items.csv'), 'utf8'));
      const items = await load(database, `${MID}_settle_20181226_2018122611000001.csv`, readFileSync(path.join(FIXTURES, 'ams-settlement-items.csv'), 'utf8'));
      const summary = await load(database, 'settlementSummary_USD_2018122611000001_000.csv', readFileSync(path.join(FIXTURES, 'autodebit-settlement-summary.csv'), 'utf8'), '2018-12-26');
      expect([tx.kind, items.kind, summary.kind]).toEqual(['transaction_details', 'settlement_details', 'settlement_summary']);
      expect([tx.reportDate, items.reportDate, summary.reportDate]).toEqual(['2018-12-25', '2018-12-26', '2018-12-26']);
      expect(await matchReportDay(database.db, '2018-12-25')).toMatchObject({ transactionFileId: tx.fileId, open: {} });
      expect(await matchReportDay(database.db, '2018-12-26')).toMatchObject({ open: {} });
      const files = await database.db.select({ variant: reportFiles.variant }).from(reportFiles);
      expect(files.map((f) => f.variant)).toEqual(['ams', 'ams', 'ams']);
    } finally {
      await database.close();
    }
  });

  it('matches a payment made at 23:59:58 GMT+8 and learned after midnight on its own day, with no open item', async () => {
    const header = 'customerId,PSP,transactionId,transactionRequestId,transactionType,status,paymentTime,transactionAmountValue,transactionCurrency,settlementAmountValue,settlementCurrency,paymentMethodFeeAmountValue,paymentMethodFeeCurrency';
    const row = (id: string, time: string) => `${MID},ALIPAY_SG,${id},req-${id},PAYMENT,SUCCESS,${time},100.00,PHP,98.00,PHP,-2.00,PHP`;
    for (const stored of [true, false]) {
      const database = await createTestDatabase();
      try {
        const owner = await insertAgreement(database.db);
        const late = { paymentRequestId: 'req-late', paymentId: 'late', amountMinor: 10000n, currency: 'PHP', status: 'SUCCEEDED' as const };
        // Antom paid at 23:59:58 on 11-30; we learned it at 00:00:40 on 12-01 (notification after midnight).
        await insertPayment(database.db, owner, { ...late, succeededAt: new Date('2026-12-01T00:00:40+08:00'), paymentTime: stored ? new Date('2026-11-30T23:59:58+08:00') : null });
        await insertPayment(database.db, owner, {
          paymentRequestId: 'req-morning', paymentId: 'morning', amountMinor: 10000n, currency: 'PHP', status: 'SUCCEEDED',
          succeededAt: new Date('2026-12-01T09:00:01+08:00'), paymentTime: stored ? new Date('2026-12-01T09:00:00+08:00') : null,
        });
        await load(database, 'transactionItems_20261130_000.csv', [header, row('late', '2026-11-30T23:59:58+08:00'), '<END>'].join('\n'));
        // The second day's file alone first: the late payment is near its midnight, so it waits for the 11-30 file.
        await load(database, 'transactionItems_20261201_000.csv', [header, row('morning', '2026-12-01T09:00:00+08:00'), '<END>'].join('\n'));
        expect((await matchReportDay(database.db, '2026-11-30')).open).toEqual({});
        expect((await matchReportDay(database.db, '2026-12-01')).open).toEqual({});
      } finally {
        await database.close();
      }
    }
  });

  it('does call a near-midnight payment missing once both days have arrived without it', async () => {
    const database = await createTestDatabase();
    try {
      const header = 'customerId,transactionId,transactionRequestId,transactionType,paymentTime,transactionAmountValue,transactionCurrency';
      const owner = await insertAgreement(database.db);
      await insertPayment(database.db, owner, {
        paymentRequestId: 'req-gone', paymentId: 'gone', amountMinor: 10000n, currency: 'PHP', status: 'SUCCEEDED',
        succeededAt: new Date('2026-12-01T00:00:40+08:00'), paymentTime: new Date('2026-11-30T23:59:58+08:00'),
      });
      await load(database, 'transactionItems_20261130_000.csv', [header, `${MID},other,req-other,PAYMENT,2026-11-30T12:00:00+08:00,1.00,PHP`, '<END>'].join('\n'));
      expect((await matchReportDay(database.db, '2026-11-30')).open).toEqual({ missing_in_ledger: 1 }); // not yet: 12-01 has not arrived
      await load(database, 'transactionItems_20261201_000.csv', [header, '<END>'].join('\n'), '2026-12-01');
      expect((await matchReportDay(database.db, '2026-11-30')).open).toEqual({ missing_in_ledger: 1, missing_in_report: 1 });
    } finally {
      await database.close();
    }
  });
});
