// Bad report files are refused with a reason a finance user can act on, and leave nothing loaded:
// guards against half-loaded days, another merchant's data, and uploads that exhaust disk or memory.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { reportFiles, reportRows } from '@/lib/db/schema';
import { importReportFile } from '@/lib/reconciliation/import-report-file';
import { spoolUpload } from '@/lib/reconciliation/spool-upload';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

const CLIENT = 'DAIKOU_TEST';
const TX_HEADER =
  'customerId,acquirer,transactionId,originalTransactionId,transactionRequestId,originalTransactionRequestId,referenceOrderId,paymentMethodType,productCode,transactionType,transactionStatus,transactionTime,transactionAmountValue,transactionCurrency,feeAmountValue,feeCurrency,settlementAmountValue,settlementCurrency';
const txRow = (i: number, client = CLIENT) =>
  `${client},ANTOM,pay-${i},,req-${i},,order-${i},GCASH,AGREEMENT_PAYMENT,PAYMENT,SUCCESS,2026-11-30T10:00:00+08:00,10000,PHP,200,PHP,10000,PHP`;
const SUMMARY_HEADER = 'settlementBatchId,customerId,acquirer,summaryType,settlementDate,transactionCount,grossSettlementAmountValue,feeAmountValue,netSettlementAmountValue,settlementCurrency';

let database: Database;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-intake-'));
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function load(fileName: string, content: string | Buffer) {
  const filePath = path.join(dir, `${Math.random().toString(36).slice(2)}-${fileName}`);
  writeFileSync(filePath, content);
  return importReportFile(database.db, { filePath, fileName, source: 'upload', clientId: CLIENT, copyUrl: database.url });
}

async function rowsLoaded(): Promise<number> {
  const [r] = await database.db.select({ n: count() }).from(reportRows);
  return r!.n;
}

describe(`report intake refuses bad files (${testDatabaseKind()})`, () => {
  const name = `${CLIENT}_transactionDetails_20261130.csv`;

  it('refuses a truncated file (no <END>) after reading every row, keeping none', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => txRow(i)); // more than one insert batch
    const result = await load(name, [TX_HEADER, ...rows].join('\n'));
    expect(result).toMatchObject({ ok: false, code: 'no_end_marker' });
    expect(!result.ok && result.error).toContain('no <END> line');
    expect(await rowsLoaded()).toBe(0);
    const [rejected] = await database.db.select().from(reportFiles).where(eq(reportFiles.status, 'REJECTED'));
    expect(rejected).toMatchObject({ fileName: name, error: expect.stringContaining('<END>') });
  });

  it('refuses a summary whose typed rows do not add up to its TOTAL', async () => {
    const result = await load(
      `${CLIENT}_settlementSummary_20261130_B1.csv`,
      [SUMMARY_HEADER, `B1,${CLIENT},ANTOM,PAYMENT,2026-11-30,2,20000,400,19600,PHP`, `B1,${CLIENT},ANTOM,TOTAL,2026-11-30,2,20001,400,19601,PHP`, '<END>'].join('\n'),
    );
    expect(result).toMatchObject({ ok: false, code: 'totals_disagree' });
    expect(!result.ok && result.error).toContain('TOTAL gross for PHP');
    expect(await rowsLoaded()).toBe(0);
  });

  it('refuses a wrong header, naming the missing columns', async () => {
    const result = await load(name, ['id,amount,currency', '1,100,PHP', '<END>'].join('\n'));
    expect(result).toMatchObject({ ok: false, code: 'bad_header' });
    expect(!result.ok && result.error).toContain('lacks customerId, transactionId');
    expect(await rowsLoaded()).toBe(0);
  });

  it('refuses non-UTF-8 text and binary files', async () => {
    const latin1 = Buffer.concat([Buffer.from(`${TX_HEADER}\n${txRow(1).replace('order-1', 'ordre-')}`), Buffer.from([0xe9]), Buffer.from('\n<END>\n')]);
    expect(await load(name, latin1)).toMatchObject({ ok: false, code: 'not_utf8' });
    const binary = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]); // a zip (xlsx) header
    expect(await load(name, binary)).toMatchObject({ ok: false, code: 'binary' });
    expect(await rowsLoaded()).toBe(0);
  });

  it("refuses another merchant's report", async () => {
    const result = await load(`OTHER_transactionDetails_20261130.csv`, [TX_HEADER, txRow(1), txRow(2, 'OTHER_MERCHANT'), '<END>'].join('\n'));
    expect(result).toMatchObject({ ok: false, code: 'wrong_client' });
    expect(!result.ok && result.error).toContain('"OTHER_MERCHANT", not ours ("DAIKOU_TEST")');
    expect(await rowsLoaded()).toBe(0);
  });

  it('refuses rows after <END>, unknown names and bad amounts', async () => {
    expect(await load(name, [TX_HEADER, txRow(1), '<END>', txRow(2)].join('\n'))).toMatchObject({ ok: false, code: 'after_end_marker' });
    expect(await load('report.csv', [TX_HEADER, '<END>'].join('\n'))).toMatchObject({ ok: false, code: 'bad_name' });
    expect(await load(name, [TX_HEADER, txRow(1).replace(',10000,PHP,200', ',100.50,PHP,200'), '<END>'].join('\n'))).toMatchObject({ ok: false, code: 'bad_row' });
    expect(await rowsLoaded()).toBe(0);
  });

  it('loads a good file once; the same bytes again are a harmless duplicate', async () => {
    const content = [TX_HEADER, txRow(1), txRow(2), '<END>', ''].join('\n');
    expect(await load(name, content)).toMatchObject({ ok: true, data: { status: 'loaded', rowCount: 2, reportDate: '2026-11-30' } });
    expect(await load(name, content)).toMatchObject({ ok: true, data: { status: 'duplicate' } });
    expect(await rowsLoaded()).toBe(2);
  });

  it('stops reading a 200 MB upload at the cap, and refuses an honest Content-Length before reading', async () => {
    const spoolDir = path.join(dir, 'spool');
    let produced = 0;
    async function* twoHundredMb() {
      const chunk = new Uint8Array(1024 * 1024).fill(0x41);
      for (let i = 0; i < 200; i++) {
        produced += chunk.byteLength;
        yield chunk;
      }
    }
    const result = await spoolUpload(twoHundredMb(), { maxBytes: 10 * 1024 * 1024, dir: spoolDir });
    expect(result).toMatchObject({ ok: false, code: 'too_large' });
    expect(!result.ok && result.error).toContain('10 MB upload limit');
    expect(produced).toBeLessThanOrEqual(11 * 1024 * 1024);
    expect(readdirSync(spoolDir)).toEqual([]);
    let read = false;
    const declared = await spoolUpload(
      (async function* () {
        read = true;
        yield new Uint8Array(1);
      })(),
      { maxBytes: 10 * 1024 * 1024, declaredLength: 200 * 1024 * 1024, dir: spoolDir },
    );
    expect(declared).toMatchObject({ ok: false, code: 'too_large' });
    expect(read).toBe(false);
  });

  it('a body cut short of its Content-Length (the proxy cut at 10 MB) is refused as an incomplete upload, never parsed', async () => {
    const spoolDir = path.join(dir, 'spool-cut');
    const cut = await spoolUpload(
      (async function* () {
        yield new TextEncoder().encode('Transaction Request ID,Transaction ID\n');
      })(),
      { maxBytes: 100 * 1024 * 1024, declaredLength: 12 * 1024 * 1024, dir: spoolDir },
    );
    expect(cut).toMatchObject({ ok: false, code: 'incomplete' });
    expect(!cut.ok && cut.error).toMatch(/^The upload was incomplete: 38 of 12582912 bytes arrived\./);
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});
