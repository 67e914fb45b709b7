// Reconciliation against the files the simulator writes in Antom's formats (ams-api.md §13), fetched over
// SFTP as the worker does: a day with payments, a partial refund, a cancel, a refund that failed and a KRW
// payment settled in USD yields zero discrepancies; the same file changed on the server (one amount, one
// row removed, one status FAIL) loads as a new version with the differences listed and yields exactly those
// three — guarding against missed and invented differences alike. An SFTP server that is down or refuses
// the password imports nothing, backs off and alerts once.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMerchantId } from '@/lib/alipay/merchant-id';
import type { Database } from '@/lib/db/client';
import { auditLog, merchantSettings, reconDiscrepancies, reconSftpState, reportFiles, reportRows } from '@/lib/db/schema';
import { fetchSftpReports, type SftpConfig } from '@/lib/reconciliation/fetch-sftp-reports';
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
const SFTP_PASSWORD = 'sftp-test-secret';
const sftpConfig = (over: Partial<SftpConfig> = {}): SftpConfig => ({
  host: '127.0.0.1',
  port: t.sim.sftpPort!,
  user: 'daikou',
  password: SFTP_PASSWORD,
  merchantId: MID,
  maxBytes: 10 * 1024 * 1024,
  spoolDir: mkdtempSync(path.join(os.tmpdir(), 'daikou-spool-')),
  timeoutMs: 5_000,
  ...over,
});
let t: TestSimulator;
let day: string;
let sftp: string;
let pays: Record<'a' | 'b' | 'c' | 'd' | 'k', SimPayment>;
let refundA: { refundRequestId: string; refundId: string; refundTime: Date };
let failedRefundC: { refundRequestId: string; refundId: string };

/**
 * Antom's day is GMT+8, and a ledger item within 15 minutes of its midnight is only called missing once the
 * neighbouring day's file has arrived too (lib/reconciliation/match-report-day.ts). This suite's day has one file,
 * so a run whose payments fall near that midnight (16:00 UTC) would see no missing_in_report: the simulator's clock
 * (what Antom stamps on payments and reports) is moved to 00:30 GMT+8 first. Its freshness checks use real time.
 */
function clearOfGmt8Midnight(clock: { now(): number; advance(ms: number): number }): void {
  const minute = Math.floor(((clock.now() + 8 * 3_600_000) % 86_400_000) / 60_000);
  if (minute < 30) clock.advance((30 - minute) * 60_000);
  else if (minute >= 1440 - 40) clock.advance((1440 - minute + 30) * 60_000);
}

beforeAll(async () => {
  t = await startTestSimulator({ fees: { rateBps: 200 }, sftp: { port: 0, user: 'daikou', password: SFTP_PASSWORD } });
  registerClient(t.sim.ctx, { clientId: TEST_CLIENT_ID, publicKeyPem: t.merchant.publicPem, reports: { settleIn: { KRW: 'USD' }, quotes: { 'KRW/USD': '0.00075' } } });
  clearOfGmt8Midnight(t.sim.clock);
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

  it('fetches the day over SFTP: zero discrepancies; then exactly the three injected into a changed version of the file', async () => {
    const database = await createTestDatabase();
    try {
      await database.db.insert(merchantSettings).values({ id: 1, reconFeeRateBps: 200 });
      await mirrorLedger(database);
      const config = sftpConfig({ copyUrl: database.url });
      const result = await fetchSftpReports(database.db, config);
      expect(result).toMatchObject({ status: 'fetched', rejected: [], changed: [] });
      expect(result.loaded).toHaveLength(5);
      expect(result.matched.map((m) => m.open)).toEqual(result.matched.map(() => ({})));
      const [txFile] = await database.db.select().from(reportFiles).where(eq(reportFiles.kind, 'transaction_details'));
      expect(txFile).toMatchObject({ source: 'sftp', variant: 'current', reportDate: day, typeCounts: { PAYMENT: 5, REFUND: 2, CANCEL: 1 } });
      expect(await database.db.select({ n: count() }).from(reconDiscrepancies)).toEqual([{ n: 0 }]);
      const [state] = await database.db.select().from(reconSftpState);
      expect(state).toMatchObject({ lastDay: expect.stringMatching(/^\d{8}$/), failures: 0, lastError: null });
      expect(state!.lastFetchedAt).not.toBeNull();

      // Fetching again reads nothing new.
      expect(await fetchSftpReports(database.db, config, { force: true })).toMatchObject({ status: 'fetched', loaded: [] });

      // The file changes on the server: C's amount (consistently with its fees), D's row gone, A FAIL.
      const compact = day.replaceAll('-', '');
      const txPath = path.join(sftp, `v1/settlements/${MID}/${compact}/transactionItems_${compact}_000.csv`);
      const original = readFileSync(txPath, 'utf8');
      try {
        editRows(txPath, (row) => {
          if (row['transactionRequestId'] === pays.d.paymentRequestId) return null;
          if (row['transactionRequestId'] === pays.a.paymentRequestId && row['transactionType'] === 'PAYMENT') return { ...row, status: 'FAIL', reason: 'USER_BALANCE_NOT_ENOUGH' };
          if (row['transactionRequestId'] === pays.c.paymentRequestId && row['transactionType'] === 'PAYMENT') {
            return { ...row, transactionAmountValue: '301.00', settlementAmountValue: '294.98', paymentMethodFeeAmountValue: '-5.42', taxFeeAmountValue: '-0.60' };
          }
          return row;
        });
        const again = await fetchSftpReports(database.db, config, { force: true });
        expect(again).toMatchObject({ status: 'fetched', rejected: [] });
        expect(again.loaded).toEqual([`/v1/settlements/${MID}/${compact}/transactionItems_${compact}_000.csv`]);
        expect(again.changed).toEqual(again.loaded);
        expect(again.matched.find((m) => m.reportDate === day)!.open).toEqual({ amount_mismatch: 1, missing_in_report: 1, status_mismatch: 1 });
      } finally {
        writeFileSync(txPath, original);
      }
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
      await database.close();
    }
  });

  it('an SFTP server that refuses the password or is down: nothing imported, back-off, one alert, cleared on success', async () => {
    const database = await createTestDatabase();
    try {
      const start = new Date();
      const wrong = await fetchSftpReports(database.db, sftpConfig({ password: 'wrong', copyUrl: database.url }), { now: start });
      expect(wrong).toMatchObject({ status: 'failed', loaded: [], error: expect.stringContaining('refused the user "daikou"') });
      expect(wrong.error).not.toContain('wrong');
      // Within the back-off nothing is tried; after it, a second failure (server down) alerts no more.
      expect(await fetchSftpReports(database.db, sftpConfig({ copyUrl: database.url }), { now: new Date(start.getTime() + 30_000) })).toMatchObject({ status: 'waiting' });
      const down = await fetchSftpReports(database.db, sftpConfig({ port: 1, copyUrl: database.url }), { now: new Date(start.getTime() + 61_000) });
      expect(down).toMatchObject({ status: 'failed', error: expect.stringContaining('cannot be reached') });
      const [state] = await database.db.select().from(reconSftpState);
      expect(state).toMatchObject({ failures: 2 });
      expect(state!.nextAttemptAt!.getTime()).toBe(start.getTime() + 61_000 + 120_000);
      expect(await database.db.select({ n: count() }).from(reportFiles)).toEqual([{ n: 0 }]);
      const alerts = await database.db.select().from(auditLog).where(eq(auditLog.action, 'reconciliation.sftp_unreachable'));
      expect(alerts).toHaveLength(1);
      const ok = await fetchSftpReports(database.db, sftpConfig({ copyUrl: database.url }), { now: new Date(start.getTime() + 200_000) });
      expect(ok.status).toBe('fetched');
      expect(await database.db.select().from(reconSftpState)).toMatchObject([{ failures: 0, lastError: null, alertedAt: null }]);
      expect(await database.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, 'reconciliation.sftp_recovered')))).toEqual([{ n: 1 }]);
    } finally {
      await database.close();
    }
  });

  it('the drop folder reads the same tree', async () => {
    const database = await createTestDatabase();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-recon-'));
    try {
      await mirrorLedger(database);
      cpSync(sftp, dir, { recursive: true });
      const result = await importDropFolder(database.db, { dir, merchantId: MID, copyUrl: database.url });
      expect(result.rejected).toEqual([]);
      expect(result.loaded).toHaveLength(5);
      expect(result.matched.map((m) => m.open)).toEqual(result.matched.map(() => ({})));
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
