// The simulator's REFUND_REVERSAL and SETTLEMENT_FEE rows (ams-api.md §13.6), end to end: a refund the wallet
// returns (scenario refund-returned, amount suffix 094) and a client charged a settlement fee per batch give
// files that the SFTP fetch loads (the types counted and shown, signs as Antom writes them, the summary's
// TOTAL adding up) and the matcher does not flag: zero discrepancies against a ledger that agrees.
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMerchantId } from '@/lib/alipay/merchant-id';
import { merchantSettings, reconDiscrepancies, reportFiles, reportRows } from '@/lib/db/schema';
import { fetchSftpReports } from '@/lib/reconciliation/fetch-sftp-reports';
import { registerClient } from '@/lib/simulator/control-api';
import { alipayClientFor, authorizeViaControl, control, payInput, startTestSimulator, TEST_CLIENT_ID, uniqueId, type Json, type TestSimulator } from '@/lib/simulator/test-kit';
import { gmt8Day } from '@/lib/simulator/wire';
import { insertAgreement, insertPayment, insertRefund } from '../helpers/ledger-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

const MID = localMerchantId(TEST_CLIENT_ID);
const SFTP_PASSWORD = 'sftp-test-secret';
let t: TestSimulator;
let day: string;
let payment: { paymentRequestId: string; paymentId: string; paymentTime: Date };
let refund: { refundRequestId: string; refundId: string; refundTime: Date };

beforeAll(async () => {
  t = await startTestSimulator({ fees: { rateBps: 200 }, sftp: { port: 0, user: 'daikou', password: SFTP_PASSWORD } });
  registerClient(t.sim.ctx, { clientId: TEST_CLIENT_ID, publicKeyPem: t.merchant.publicPem, reports: { settlementFee: '1.50' } });
  // Start mid-day GMT+8, so the reversal a minute after the refund lands on the same day.
  const now = t.sim.clock.now();
  const noon = Date.parse(`${gmt8Day(now)}T12:00:00+08:00`) + 86_400_000;
  await control(t, 'POST', 'clock/advance', { seconds: Math.round((noon - now) / 1000) });
  const client = alipayClientFor(t);
  const token = await authorizeViaControl(t, client);
  const input = payInput(token, '20000') as Json;
  const paid = (await client.pay(input)).data as Json;
  payment = { paymentRequestId: input.paymentRequestId, paymentId: paid.paymentId, paymentTime: new Date(paid.paymentTime) };
  const refundRequestId = uniqueId('refund');
  const r = (await client.refund({ refundRequestId, paymentId: payment.paymentId, refundAmount: { currency: 'PHP', value: '5094' } } as never)).data as Json;
  refund = { refundRequestId, refundId: r.refundId, refundTime: new Date(r.refundTime) };
  day = gmt8Day(t.sim.clock.now());
  await control(t, 'POST', 'reports/generate', { date: day });
});

afterAll(async () => {
  await t?.close();
});

describe(`REFUND_REVERSAL and SETTLEMENT_FEE rows from the simulator (${testDatabaseKind()})`, { timeout: 120_000 }, () => {
  it('are loaded, counted and shown with their signs, and matching flags nothing', async () => {
    const database = await createTestDatabase();
    try {
      await database.db.insert(merchantSettings).values({ id: 1, reconFeeRateBps: 200 });
      const owner = await insertAgreement(database.db);
      const pid = await insertPayment(database.db, owner, {
        ...payment,
        amountMinor: 20000n,
        currency: 'PHP',
        paymentMethod: 'GCASH',
        status: 'SUCCEEDED',
        succeededAt: payment.paymentTime,
      });
      // Daikou holds the refund SUCCEEDED, as the notification said; the wallet's return comes only in the report.
      await insertRefund(database.db, pid, { ...refund, amountMinor: 5094n, currency: 'PHP', status: 'SUCCEEDED', settledAt: refund.refundTime });

      const result = await fetchSftpReports(database.db, {
        host: '127.0.0.1',
        port: t.sim.sftpPort!,
        user: 'daikou',
        password: SFTP_PASSWORD,
        merchantId: MID,
        maxBytes: 10 * 1024 * 1024,
        spoolDir: mkdtempSync(path.join(os.tmpdir(), 'daikou-spool-')),
        timeoutMs: 5_000,
        copyUrl: database.url,
      });
      expect(result).toMatchObject({ status: 'fetched', rejected: [] });
      expect(result.loaded).toHaveLength(3);
      expect(result.matched.map((m) => m.open)).toEqual(result.matched.map(() => ({})));
      expect(await database.db.select({ n: count() }).from(reconDiscrepancies)).toEqual([{ n: 0 }]);

      const files = await database.db.select().from(reportFiles).orderBy(asc(reportFiles.kind));
      const byKind = Object.fromEntries(files.map((f) => [f.kind, f]));
      expect(byKind['transaction_details']).toMatchObject({ status: 'LOADED', typeCounts: { PAYMENT: 1, REFUND: 1, REFUND_REVERSAL: 1, SETTLEMENT_FEE: 1 } });
      expect(byKind['settlement_details']).toMatchObject({ status: 'LOADED', typeCounts: { PAYMENT: 1, REFUND: 1, REFUND_REVERSAL: 1, SETTLEMENT_FEE: 1 } });
      expect(byKind['settlement_summary']).toMatchObject({ status: 'LOADED', typeCounts: { TOTAL: 1, PAYMENT: 1, REFUND: 1, REFUND_REVERSAL: 1, SETTLEMENT_FEE: 1 } });

      const rows = await database.db
        .select()
        .from(reportRows)
        .where(and(eq(reportRows.fileId, byKind['transaction_details']!.id), inArray(reportRows.transactionType, ['REFUND_REVERSAL', 'SETTLEMENT_FEE'])))
        .orderBy(asc(reportRows.lineNo));
      const reversal = rows.find((r) => r.transactionType === 'REFUND_REVERSAL')!;
      const fee = rows.find((r) => r.transactionType === 'SETTLEMENT_FEE')!;
      // The returned refund flows back to the merchant: positive; it points at the refund.
      expect(reversal).toMatchObject({ transactionStatus: 'SUCCESS', originalTransactionId: refund.refundId, amountMinor: 5094n, currency: 'PHP', grossSettlementMinor: 5094n, netSettlementMinor: 5094n });
      // The settlement fee is charged: negative net in the settlement currency.
      expect(fee).toMatchObject({ transactionStatus: 'SUCCESS', amountMinor: 150n, currency: 'PHP', grossSettlementMinor: -150n, netSettlementMinor: -150n, settlementCurrency: 'PHP' });
      // The summary's TOTAL includes both: payment 20000 − 400 fee, refund −5094, reversal +5094, settlement fee −150.
      const [total] = await database.db
        .select()
        .from(reportRows)
        .where(and(eq(reportRows.fileId, byKind['settlement_summary']!.id), eq(reportRows.summaryType, 'TOTAL')));
      expect(total).toMatchObject({ transactionCount: 4, netSettlementMinor: 20000n - 400n - 5094n + 5094n - 150n, settlementCurrency: 'PHP' });
    } finally {
      await database.close();
    }
  });
});
