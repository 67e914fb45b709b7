// The fast line splitter must agree with RFC 4180: quoted commas, doubled quotes, CRLF, a BOM and a quoted
// field spanning lines are read as csv-parse reads them — guarding against silently shifted columns.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseReportStream, type ParsedReportRow } from './parse-report-stream';

const HEADER = 'customerId,transactionId,transactionRequestId,transactionType,transactionAmountValue,transactionCurrency,feeAmountValue,feeCurrency,settlementAmountValue,settlementCurrency,orderDescription';

async function parse(text: string, chunkSize = 7) {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const rows: ParsedReportRow[] = [];
  const result = await parseReportStream(Readable.from(chunks), { kind: 'transaction_details', clientId: 'C', settlementBatchId: null, onBatch: async (b) => void rows.push(...b) });
  return { rows, result };
}

describe('parseReportStream', () => {
  it('reads quoted fields, doubled quotes, CRLF, a BOM and multi-line fields across chunk boundaries', async () => {
    const text = `\uFEFF${HEADER}\r\nC,p1,"r,1",PAYMENT,100,PHP,2,PHP,100,PHP,"say ""hi"""\r\nC,p2,r2,REFUND,50,PHP,0,PHP,-50,PHP,"two\r\nlines, and 中文"\r\nC,p3,r3,PAYMENT,1,PHP,,,1,PHP,\r\n<END>\r\n`;
    const { rows, result } = await parse(text);
    expect(result.rowCount).toBe(3);
    expect(rows.map((r) => [r.transactionRequestId, r.amountMinor, r.transactionType])).toEqual([
      ['r,1', 100n, 'PAYMENT'],
      ['r2', 50n, 'REFUND'],
      ['r3', 1n, 'PAYMENT'],
    ]);
    expect(rows[1]!.lineNo).toBe(3);
    expect(rows[2]!.feeMinor).toBeNull();
  });

  it('refuses an unterminated quoted field', async () => {
    await expect(parse(`${HEADER}\nC,p1,"r1,PAYMENT,100,PHP,2,PHP,100,PHP,x\n<END>\n`)).rejects.toMatchObject({ code: 'bad_row' });
  });
});
