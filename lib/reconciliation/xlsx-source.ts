import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { RecordSource } from './parse-report-stream';
import { ReportRejected } from './report-error';

/** Whether the file is a ZIP container (XLSX), by its first bytes — not by its name. */
export async function isXlsx(filePath: string): Promise<boolean> {
  const handle = await open(filePath, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer[0] === 0x50 && buffer[1] === 0x4b && buffer[2] === 0x03 && buffer[3] === 0x04;
  } finally {
    await handle.close();
  }
}

/**
 * The first worksheet of an XLSX report (Antom Dashboard downloads) as the same records a CSV gives:
 * exceljs's streaming reader, one row at a time (memory bounded by the shared-strings table, not the
 * sheet). Cells become the text a CSV would hold: numbers in their shortest exact decimal form (97.5 →
 * "97.5", then parsed with the currency's exponent like any CSV amount), dates as ISO 8601, rich text
 * joined, formulas by their result. The `<END>` line is optional here: a cut-off XLSX cannot be opened.
 */
export function xlsxSource(filePath: string, onProgress?: (bytes: number) => void): RecordSource {
  let bytes = 0;
  async function* records(): AsyncGenerator<{ record: string[]; line: number }> {
    const input = createReadStream(filePath);
    input.on('data', (chunk) => {
      bytes += chunk.length;
      onProgress?.(bytes);
    });
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
    try {
      for await (const sheet of reader) {
        let width = 0;
        for await (const row of sheet) {
          const values = (row.values as unknown[]) ?? [];
          const record: string[] = [];
          for (let i = 1; i < values.length; i++) record.push(cellText(values[i]));
          if (width === 0) width = record.length;
          while (record.length < width) record.push('');
          yield { record, line: row.number };
        }
        break; // the report is the first sheet
      }
    } catch (error) {
      if ((error as { brand?: string }).brand === 'ReportRejected') throw error;
      throw new ReportRejected('not_xlsx', `The XLSX file cannot be read (${String((error as Error).message ?? error).slice(0, 160)}); download it again, or the CSV version. Nothing was loaded.`);
    }
  }
  return { records: records(), byteCount: () => bytes, sha256: () => '', endOptional: true };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; text?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
  }
  return String(value);
}
