// Reconciliation against the files the simulator writes in Antom's formats (ams-api.md §13): a day with
// payments, a partial refund, a cancel, a refund that failed and a KRW payment settled in USD yields zero
// discrepancies; the same files changed on the server (one amount, one row removed, one status FAIL) load
// as a new version with the differences listed and yield exactly those three — guarding against missed
// and invented differences alike.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMerchantId } from '@/lib/alipay/merchant-id';
import type { Database } from '@/lib/db/client';
import { merchantSettings, reconDiscrepancies, reportFiles, reportRows } from '@/lib/db/schema';
import { importDropFolder } from '@/lib/reconciliation/import-drop-folder';
import { importReportFile } from '@/lib/reconciliation/import-report-file';
import { matchReportDay } from '@/lib/reconciliation/match-report-day';
import { registerClient } from '@/lib/simulator/control-api';
import { alipayClientFor, authorizeViaControl, control, payInput, startTestSimulator, TEST_CLIENT_ID, uniqueId, type Json, type TestSimulator } from '@/lib/simulator/test-kit';
import { gmt8Day } from '@/lib/simulator/wire';
import { insertAgreement, insertPayment, insertRefund } from '../helpers/ledger-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

interface SimPayment {
  paymentRequestId: string;
  paymentId: string;
  amountMinor: bigint;
  currency: string;
  paymentTime: Date;
}

const MID = localMerchantId(TEST_CLIENT_ID);
let t: TestSimulator;
let day: string;
let sftp: string;
let pays: Record<'a' | 'b' | 'c' | 'd' | 'k', SimPayment>;
let refundA: { refundRequestId: string; refundId: string; refundTime: Date };
let failedRefundC: { refundRequestId: string; refundId: string };

beforeAll(async () => {
  t = await startTestSimulator({ fees: { rateBps: 200 } });
  registerClient(t.sim.ctx, { clientId: TEST_CLIENT_ID, publicKeyPem: t.merchant.publicPem, reports: { settleIn: { KRW: 'USD' }, quotes: { 'KRW/USD': '0.00075' } } });
  const client = alipayClientFor(t);
  const token = await authorizeViaControl(t, client);
  const kakao = await authorizeViaControl(t, client, 'KAKAOPAY');
  const pay = async (value: string, wallet = 'GCASH', currency = 'PHP', tok = token): Promise<SimPayment> => {
    const input = payInput(tok, value, wallet, currency) as Json;
    const answer = (await client.pay(input)).data as Json;
    return { paymentRequestId: input.paymentRequestId, paymentId: answer.paymentId, amountMinor: BigInt(value), currency, paymentTime: new Date(answer.paymentTime) };
  };
  pays = { a: await pay('10000'), b: await pay('20000'), c: await pay('30000'), d: await pay('15000'), k: await pay('9000', 'KAKAOPAY', 'KRW', kakao) };
  const refundRequestId = uniqueId('refund');
  const refund = (await client.refund({ refundRequestId, paymentId: pays.a.paymentId, refundAmount: { currency: 'PHP', value: '4000' } } as never)).data as Json;
  refundA = { refundRequestId, refundId: refund.refundId, refundTime: new Date(refund.refundTime) };
  const failedRequestId = uniqueId('refund');
  const failed = await client.refund({ refundRequestId: failedRequestId, paymentId: pays.c.paymentId, refundAmount: { currency: 'PHP', value: '1091' } } as never);
  failedRefundC = { refundRequestId: failedRequestId, refundId: (failed.data as Json)?.refundId ?? t.sim.store.state.refunds[Object.keys(t.sim.store.state.refunds).find((k) => t.sim.store.state.refunds[k]!.refundRequestId === failedRequestId)!]!.refundId };
  await client.cancel({ paymentId: pays.b.paymentId } as never);
  day = gmt8Day(t.sim.clock.now());
  await control(t, 'POST', 'reports/generate', { date: day });
  sftp = path.join(t.dataDir, 'simulator', 'sftp');
});

afterAll(async () => {
  await t?.close();
});

/** Our ledger as it should be after that day: B cancelled, A partly refunded, C's refund failed. */
async function mirrorLedger(database: Database) {
  const owner = await insertAgreement(database.db);
  const ids: Record<string, string> = {};
  for (const [key, p] of Object.entries(pays)) {
    ids[key] = await insertPayment(database.db, owner, {
      paymentRequestId: p.paymentRequestId,
      paymentId: p.paymentId,
      amountMinor: p.amountMinor,
      currency: p.currency,
      paymentMethod: p.currency === 'KRW' ? 'KAKAOPAY' : 'GCASH',
      status: key === 'b' ? 'CANCELLED' : 'SUCCEEDED',
      succeededAt: p.paymentTime,
      paymentTime: p.paymentTime,
      cancelledAt: key === 'b' ? new Date() : null,
    });
  }
  await insertRefund(database.db, ids['a']!, { ...refundA, amountMinor: 4000n, currency: 'PHP', status: 'SUCCEEDED', settledAt: refundA.refundTime });
  await insertRefund(database.db, ids['c']!, { ...failedRefundC, amountMinor: 1091n, currency: 'PHP', status: 'FAILED' });
  return ids;
}

/** Rewrites one CSV file of the tree: fn gets each data row as a column → value record. */
function editRows(file: string, fn: (row: Record<string, string>) => Record<string, string> | null) {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const header = lines[0]!.split(',');
  const out = [lines[0]!];
  for (const line of lines.slice(1)) {
    if (line === '<END>') {
      out.push(line);
      continue;
    }
    const values = line.split(',');
    const edited = fn(Object.fromEntries(header.map((h, i) => [h, values[i] ?? ''])));
    if (edited) out.push(header.map((h) => edited[h] ?? '').join(','));
  }
  writeFileSync(file, `${out.join('\n')}\n`);
}

describe(`reconciliation against the simulator's Antom-format reports (${testDatabaseKind()})`, { timeout: 120_000 }, () => {
  it('writes the SFTP layout with the default names', async () => {
    const files: string[] = (await control(t, 'GET', 'reports')).json.files;
    const compact = day.replaceAll('-', '');
    expect(files).toContain(`v1/settlements/${MID}/${compact}/transactionItems_${compact}_000.csv`);
    expect(files.filter((f) => /\/settlementItems_(PHP|USD)_[^/]+_000\.csv$/.test(f))).toHaveLength(2);
    expect(files.filter((f) => /\/settlementSummary_(PHP|USD)_[^/]+_000\.csv$/.test(f))).toHaveLength(2);
  });

  it('finds zero discrepancies on a clean day, then exactly the three injected into a changed version of the file', async () => {
    const database = await createTestDatabase();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-recon-'));
    try {
      await database.db.insert(merchantSettings).values({ id: 1, reconFeeRateBps: 200 });
      await mirrorLedger(database);
      cpSync(sftp, dir, { recursive: true });
      const result = await importDropFolder(database.db, { dir, merchantId: MID, copyUrl: database.url });
      expect(result.rejected).toEqual([]);
      expect(result.loaded).toHaveLength(5);
      expect(result.matched.map((m) => m.open)).toEqual(result.matched.map(() => ({})));
      const [txFile] = await database.db.select().from(reportFiles).where(eq(reportFiles.kind, 'transaction_details'));
      expect(txFile).toMatchObject({ variant: 'current', reportDate: day, typeCounts: { PAYMENT: 5, REFUND: 2, CANCEL: 1 } });
      expect(await database.db.select({ n: count() }).from(reconDiscrepancies)).toEqual([{ n: 0 }]);

      // The file changes on the server: C's amount (consistently with its fees), D's row gone, A FAIL.
      const compact = day.replaceAll('-', '');
      const txPath = path.join(dir, `v1/settlements/${MID}/${compact}/transactionItems_${compact}_000.csv`);
      editRows(txPath, (row) => {
        if (row['transactionRequestId'] === pays.d.paymentRequestId) return null;
        if (row['transactionRequestId'] === pays.a.paymentRequestId && row['transactionType'] === 'PAYMENT') return { ...row, status: 'FAIL', reason: 'USER_BALANCE_NOT_ENOUGH' };
        if (row['transactionRequestId'] === pays.c.paymentRequestId && row['transactionType'] === 'PAYMENT') {
          return { ...row, transactionAmountValue: '301.00', settlementAmountValue: '294.98', paymentMethodFeeAmountValue: '-5.42', taxFeeAmountValue: '-0.60' };
        }
        return row;
      });
      const again = await importDropFolder(database.db, { dir, merchantId: MID, copyUrl: database.url });
      expect(again.rejected).toEqual([]);
      expect(again.loaded).toEqual([`transactionItems_${compact}_000.csv`]);
      expect(again.matched.find((m) => m.reportDate === day)!.open).toEqual({ amount_mismatch: 1, missing_in_report: 1, status_mismatch: 1 });
      const versions = await database.db.select().from(reportFiles).where(eq(reportFiles.kind, 'transaction_details'));
      const newest = versions.find((v) => v.previousFileId !== null)!;
      expect(newest.changes).toEqual({
        added: [],
        removed: [`PAYMENT:${pays.d.paymentRequestId}`],
        changed: [`PAYMENT:${pays.a.paymentRequestId}`, `PAYMENT:${pays.c.paymentRequestId}`].sort(),
      });
      const rows = await database.db.select().from(reconDiscrepancies);
      const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
      expect(byKind['amount_mismatch']).toMatchObject({ transactionRequestId: pays.c.paymentRequestId, reportValue: '30100', ledgerValue: '30000' });
      expect(byKind['missing_in_report']).toMatchObject({ transactionRequestId: pays.d.paymentRequestId, reportRowId: null });
      expect(byKind['status_mismatch']).toMatchObject({ transactionRequestId: pays.a.paymentRequestId, reportValue: 'FAIL', ledgerValue: 'SUCCEEDED' });

      // Matching again changes nothing; a resolved difference stays resolved.
      await database.db.update(reconDiscrepancies).set({ status: 'RESOLVED', resolutionNote: 'ok' }).where(eq(reconDiscrepancies.kind, 'amount_mismatch'));
      expect((await matchReportDay(database.db, day)).open).toEqual({ missing_in_report: 1, status_mismatch: 1 });
      expect(await database.db.select({ n: count() }).from(reconDiscrepancies)).toEqual([{ n: 3 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await database.close();
    }
  });

  it('imports the same file twice harmlessly, and a refused file can be sent again once the cause is fixed', async () => {
    const database = await createTestDatabase();
    try {
      const compact = day.replaceAll('-', '');
      const filePath = path.join(sftp, `v1/settlements/${MID}/${compact}/transactionItems_${compact}_000.csv`);
      const input = { filePath, fileName: path.basename(filePath), source: 'upload' as const, merchantId: MID, copyUrl: database.url };
      const refused = await importReportFile(database.db, { ...input, merchantId: '1022188999999999999' });
      expect(refused).toMatchObject({ ok: false, code: 'wrong_merchant' });
      const first = await importReportFile(database.db, input);
      const second = await importReportFile(database.db, { ...input, fileName: `copy_of_${input.fileName}` });
      expect(first).toMatchObject({ ok: true, data: { status: 'loaded', rowCount: 8 } });
      expect(second).toMatchObject({ ok: true, data: { status: 'duplicate', fileId: first.ok ? first.data.fileId : '' } });
      expect(await database.db.select({ n: count() }).from(reportRows)).toEqual([{ n: 8 }]);
      expect(await database.db.select({ status: reportFiles.status }).from(reportFiles).orderBy(reportFiles.createdAt)).toEqual([{ status: 'REJECTED' }, { status: 'LOADED' }]);
    } finally {
      await database.close();
    }
  });
});
