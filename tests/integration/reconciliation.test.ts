// Reconciliation against the simulator's real report files: a clean day yields no discrepancy at all, and
// a day with injected differences yields exactly those — guarding against both missed and invented ones.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { merchantSettings, reconDiscrepancies, reportFiles, reportRows } from '@/lib/db/schema';
import { importDropFolder } from '@/lib/reconciliation/import-drop-folder';
import { importReportFile } from '@/lib/reconciliation/import-report-file';
import { matchReportDay } from '@/lib/reconciliation/match-report-day';
import { alipayClientFor, authorizeViaControl, control, payInput, startTestSimulator, TEST_CLIENT_ID, uniqueId, type Json, type TestSimulator } from '@/lib/simulator/test-kit';
import { gmt8Day } from '@/lib/simulator/wire';
import { insertAgreement, insertPayment, insertRefund } from '../helpers/ledger-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

interface SimPayment {
  paymentRequestId: string;
  paymentId: string;
  amountMinor: bigint;
}

let t: TestSimulator;
let day: string;
let at: Date;
let sftp: string;
let pays: { a: SimPayment; b: SimPayment; c: SimPayment; d: SimPayment };
let refundA: { refundRequestId: string; refundId: string };

beforeAll(async () => {
  t = await startTestSimulator({ fees: { rateBps: 200 } });
  const client = alipayClientFor(t);
  const token = await authorizeViaControl(t, client);
  const pay = async (value: string): Promise<SimPayment> => {
    const input = payInput(token, value) as Json;
    const answer = (await client.pay(input)).data as Json;
    return { paymentRequestId: input.paymentRequestId, paymentId: answer.paymentId, amountMinor: BigInt(value) };
  };
  pays = { a: await pay('10000'), b: await pay('20000'), c: await pay('30000'), d: await pay('15000') };
  const refundRequestId = uniqueId('refund');
  const refund = (await client.refund({ refundRequestId, paymentId: pays.a.paymentId, refundAmount: { currency: 'PHP', value: '4000' } } as never)).data as Json;
  refundA = { refundRequestId, refundId: refund.refundId };
  await client.cancel({ paymentId: pays.b.paymentId } as never);
  at = new Date(t.sim.clock.now());
  day = gmt8Day(t.sim.clock.now());
  await control(t, 'POST', 'reports/generate', { date: day });
  sftp = path.join(t.dataDir, 'simulator', 'sftp');
});

afterAll(async () => {
  await t?.close();
});

/** Our ledger as it should be after that day: the four payments, B cancelled, A partly refunded. */
async function mirrorLedger(database: Database, skip: { d?: boolean; cAmount?: bigint } = {}) {
  const owner = await insertAgreement(database.db);
  const ids: Record<string, string> = {};
  for (const [key, p] of Object.entries(pays)) {
    if (key === 'd' && skip.d) continue;
    ids[key] = await insertPayment(database.db, owner, {
      paymentRequestId: p.paymentRequestId,
      paymentId: p.paymentId,
      amountMinor: key === 'c' && skip.cAmount ? skip.cAmount : p.amountMinor,
      currency: 'PHP',
      status: key === 'b' ? 'CANCELLED' : 'SUCCEEDED',
      succeededAt: at,
      cancelledAt: key === 'b' ? at : null,
    });
  }
  await insertRefund(database.db, ids['a']!, { ...refundA, amountMinor: 4000n, currency: 'PHP', status: 'SUCCEEDED', settledAt: at });
  return ids;
}

describe(`reconciliation against simulator reports (${testDatabaseKind()})`, { timeout: 120_000 }, () => {
  it('finds zero discrepancies on a clean day, with the contracted fee rate checked', async () => {
    const database = await createTestDatabase();
    try {
      await database.db.insert(merchantSettings).values({ id: 1, reconFeeRateBps: 200 });
      await mirrorLedger(database);
      const result = await importDropFolder(database.db, { dir: sftp, clientId: TEST_CLIENT_ID, copyUrl: database.url });
      expect(result.rejected).toEqual([]);
      expect(result.loaded).toHaveLength(3);
      expect(result.matched).toEqual([{ reportDate: day, transactionFileId: expect.any(String), open: {} }]);
      const [discrepancies] = await database.db.select({ n: count() }).from(reconDiscrepancies);
      expect(discrepancies!.n).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('finds exactly the injected differences: a payment we lack, an amount mismatch, a refund the report lacks, a batch total off by one', async () => {
    const database = await createTestDatabase();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-recon-'));
    try {
      const ids = await mirrorLedger(database, { d: true, cAmount: 30001n });
      const extraRefund = await insertRefund(database.db, ids['c']!, { refundRequestId: 'local-only-refund', amountMinor: 1000n, currency: 'PHP', status: 'SUCCEEDED', settledAt: at });
      // The summary's PAYMENT and TOTAL lines both one unit higher: consistent in itself, off against the details.
      for (const name of readdirSync(sftp)) {
        if (!name.includes('settlementSummary')) {
          copyFileSync(path.join(sftp, name), path.join(dir, name));
          continue;
        }
        const lines = readFileSync(path.join(sftp, name), 'utf8').split('\n');
        const bumped = lines.map((line) => {
          const f = line.split(',');
          if (f[3] !== 'PAYMENT' && f[3] !== 'TOTAL') return line;
          f[6] = String(BigInt(f[6]!) + 1n);
          f[8] = String(BigInt(f[8]!) + 1n);
          return f.join(',');
        });
        writeFileSync(path.join(dir, name), bumped.join('\n'));
      }
      const result = await importDropFolder(database.db, { dir, clientId: TEST_CLIENT_ID, copyUrl: database.url });
      expect(result.rejected).toEqual([]);
      expect(result.matched[0]!.open).toEqual({ missing_in_ledger: 1, amount_mismatch: 1, missing_in_report: 1, batch_total_mismatch: 1 });

      const rows = await database.db.select().from(reconDiscrepancies);
      const byKind = Object.fromEntries(rows.map((r) => [r.kind, r]));
      expect(byKind['missing_in_ledger']).toMatchObject({ transactionRequestId: pays.d.paymentRequestId, paymentId: null, reportValue: '15000 PHP' });
      expect(byKind['missing_in_ledger']!.reportRowId).not.toBeNull();
      expect(byKind['amount_mismatch']).toMatchObject({ paymentId: ids['c'], reportValue: '30000', ledgerValue: '30001' });
      expect(byKind['missing_in_report']).toMatchObject({ refundId: extraRefund, reportRowId: null, ledgerValue: 'REFUND 1000 PHP' });
      expect(byKind['batch_total_mismatch']!.reportValue).toContain('gross 51001');
      expect(byKind['batch_total_mismatch']!.ledgerValue).toContain('gross 51000');

      // Matching again changes nothing; a resolved difference stays resolved.
      await database.db.update(reconDiscrepancies).set({ status: 'RESOLVED', resolutionNote: 'ok' }).where(eq(reconDiscrepancies.kind, 'amount_mismatch'));
      const again = await matchReportDay(database.db, day);
      expect(again.open).toEqual({ missing_in_ledger: 1, missing_in_report: 1, batch_total_mismatch: 1 });
      expect(await database.db.select({ n: count() }).from(reconDiscrepancies)).toEqual([{ n: 4 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await database.close();
    }
  });

  it('imports the same file twice harmlessly: the second time is a duplicate and loads no row', async () => {
    const database = await createTestDatabase();
    try {
      const name = readdirSync(sftp).find((n) => n.includes('transactionDetails'))!;
      const input = { filePath: path.join(sftp, name), fileName: name, source: 'upload' as const, clientId: TEST_CLIENT_ID, copyUrl: database.url };
      const first = await importReportFile(database.db, input);
      const second = await importReportFile(database.db, { ...input, fileName: `copy_of_${name}` });
      expect(first).toMatchObject({ ok: true, data: { status: 'loaded', rowCount: 6 } });
      expect(second).toMatchObject({ ok: true, data: { status: 'duplicate', fileId: first.ok ? first.data.fileId : '' } });
      expect(await database.db.select({ n: count() }).from(reportRows)).toEqual([{ n: 6 }]);
      expect(await database.db.select({ n: count() }).from(reportFiles)).toEqual([{ n: 1 }]);
      const sweep = await importDropFolder(database.db, { dir: sftp, clientId: TEST_CLIENT_ID });
      expect(sweep.loaded).toHaveLength(2); // the two settlement files; the details file is known by hash
    } finally {
      await database.close();
    }
  });
});
