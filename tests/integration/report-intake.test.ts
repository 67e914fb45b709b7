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

const CLIENT = '1022188000000000042';
const TX_HEADER =
  'customerId,PSP,ARN,transactionId,originalTransactionId,transactionRequestId,referenceTransactionId,paymentMethodType,transactionType,status,paymentTime,transactionAmountValue,transactionCurrency,paymentMethodFeeAmountValue,paymentMethodFeeCurrency,settlementAmountValue,settlementCurrency';
const txRow = (i: number, client = CLIENT) => `${client},ALIPAY_SG,,pay-${i},,req-${i},order-${i},GCASH,PAYMENT,SUCCESS,2026-11-30T10:00:00+08:00,100.00,PHP,-2.00,PHP,98.00,PHP`;
const SUMMARY_HEADER = 'settlementBatchId,customerId,PSP,summaryType,settlementInitiatedDate,count,settlementAmountValue,settlementCurrency,paymentMethodFeeAmountValue,paymentMethodFeeCurrency';

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
  return importReportFile(database.db, { filePath, fileName, source: 'upload', merchantId: CLIENT, copyUrl: database.url });
}

async function rowsLoaded(): Promise<number> {
  const [r] = await database.db.select({ n: count() }).from(reportRows);
  return r!.n;
}

describe(`report intake refuses bad files (${testDatabaseKind()})`, () => {
  const name = 'transactionItems_20261130_000.csv';

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
      'settlementSummary_PHP_B1_000.csv',
      [SUMMARY_HEADER, `B1,${CLIENT},ANTOM,TOTAL,2026-11-30,2,196.01,PHP,-4.00,PHP`, `B1,${CLIENT},ANTOM,PAYMENT,2026-11-30,2,196.00,PHP,-4.00,PHP`, '<END>'].join('\n'),
    );
    expect(result).toMatchObject({ ok: false, code: 'totals_disagree' });
    expect(!result.ok && result.error).toContain('TOTAL settlement amount for PHP (line 2) is 19601');
    expect(await rowsLoaded()).toBe(0);
  });

  it('refuses a header that is no report, and a report header lacking a column, naming it', async () => {
    const result = await load(name, ['id,amount,currency', '1,100,PHP', '<END>'].join('\n'));
    expect(result).toMatchObject({ ok: false, code: 'bad_header' });
    expect(!result.ok && result.error).toContain('neither transactionType');
    const lacking = await load(name, ['customerId,transactionId,transactionType,transactionAmountValue', `${CLIENT},p,PAYMENT,1.00`, '<END>'].join('\n'));
    expect(!lacking.ok && lacking.error).toContain('lacks transactionCurrency');
    expect(await rowsLoaded()).toBe(0);
  });

  it('refuses non-UTF-8 text and binary files', async () => {
    const latin1 = Buffer.concat([Buffer.from(`${TX_HEADER}\n${txRow(1).replace('order-1', 'ordre-')}`), Buffer.from([0xe9]), Buffer.from('\n<END>\n')]);
    expect(await load(name, latin1)).toMatchObject({ ok: false, code: 'not_utf8' });
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x00, 0x08, 0x00]);
    expect(await load(name, binary)).toMatchObject({ ok: false, code: 'binary' });
    expect(await rowsLoaded()).toBe(0);
  });

  it("refuses another merchant's report", async () => {
    const result = await load(name, [TX_HEADER, txRow(1), txRow(2, '1022188000000000999'), '<END>'].join('\n'));
    expect(result).toMatchObject({ ok: false, code: 'wrong_merchant' });
    expect(!result.ok && result.error).toContain(`Line 3 belongs to Antom merchant ID "1022188000000000999", not ours ("${CLIENT}")`);
    const [rejected] = await database.db.select().from(reportFiles).where(eq(reportFiles.error, !result.ok ? result.error : ''));
    expect(rejected).toMatchObject({ status: 'REJECTED', errorLine: 3 });
    expect(await rowsLoaded()).toBe(0);
  });

  it('refuses rows after <END> and amounts with too many decimals; any name works when the header says what it is', async () => {
    expect(await load(name, [TX_HEADER, txRow(1), '<END>', txRow(2)].join('\n'))).toMatchObject({ ok: false, code: 'after_end_marker' });
    const decimals = await load(name, [TX_HEADER, txRow(1).replace(',100.00,PHP', ',100.505,PHP'), '<END>'].join('\n'));
    expect(decimals).toMatchObject({ ok: false, code: 'bad_row' });
    expect(!decimals.ok && decimals.error).toContain('Line 2: transactionAmountValue "100.505" has more decimals than PHP allows (2)');
    expect(await rowsLoaded()).toBe(0);
  });

  it('loads a good file once; the same bytes again are a harmless duplicate', async () => {
    const content = [TX_HEADER, txRow(1), txRow(2), '<END>', ''].join('\n');
    expect(await load('renamed by someone.csv', content)).toMatchObject({ ok: true, data: { status: 'loaded', kind: 'transaction_details', rowCount: 2, reportDate: '2026-11-30' } });
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

  it('loads a file with an unknown column and a transaction type it does not know: the column ignored and named, the type counted and shown', async () => {
    const header = `${TX_HEADER},merchantRegion`;
    const content = [header, `${txRow(101)},SG`, `${txRow(102).replace(',PAYMENT,', ',NEW_KIND_OF_ROW,')},SG`, `${txRow(103).replace(',PAYMENT,', ',RESERVE,')},SG`, '<END>'].join('\n');
    const result = await load('transactionItems_20261201_000.csv', content);
    expect(result).toMatchObject({ ok: true, data: { status: 'loaded', rowCount: 3, typeCounts: { PAYMENT: 1, NEW_KIND_OF_ROW: 1, RESERVE: 1 } } });
    const [file] = await database.db.select().from(reportFiles).where(eq(reportFiles.id, result.ok ? result.data.fileId : ''));
    expect(file).toMatchObject({ status: 'LOADED', ignoredColumns: expect.arrayContaining(['merchantRegion']), typeCounts: { PAYMENT: 1, NEW_KIND_OF_ROW: 1, RESERVE: 1 } });
    const types = await database.db.select({ type: reportRows.transactionType }).from(reportRows).where(eq(reportRows.fileId, file!.id)).orderBy(reportRows.lineNo);
    expect(types.map((r) => r.type)).toEqual(['PAYMENT', 'NEW_KIND_OF_ROW', 'RESERVE']);
  });
});
