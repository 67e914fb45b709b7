import { open } from 'node:fs/promises';
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

/** The first worksheet of an XLSX file as report records. */
export function xlsxSource(_filePath: string, _onProgress?: (bytes: number) => void): RecordSource {
  return {
    records: (async function* () {
      throw new ReportRejected('not_xlsx', 'XLSX reports are not read yet; download the CSV version of the same report. Nothing was loaded.');
    })(),
    byteCount: () => 0,
    sha256: () => '',
  };
}
