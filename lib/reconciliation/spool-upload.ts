import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

export interface SpoolOptions {
  maxBytes: number;
  /** Content-Length as sent, if any: an honest oversize upload is refused before reading a byte. */
  declaredLength?: number | null;
  dir: string;
}

/**
 * Writes an upload to a private temporary file with a true byte cap: it counts what actually arrives
 * (Content-Length can lie or be absent) and stops reading at the first byte over the cap, so a 200 MB
 * upload costs at most the cap in disk and one chunk in memory. The caller deletes the file.
 */
export async function spoolUpload(body: AsyncIterable<Uint8Array> | null, options: SpoolOptions): Promise<ServiceResult<{ filePath: string; bytes: number }>> {
  const limitMb = Math.floor(options.maxBytes / (1024 * 1024));
  const tooLarge = () => fail('too_large', `The file is larger than the ${limitMb} MB upload limit. Nothing was loaded; large reports belong in the drop folder.`);
  if (options.declaredLength != null && options.declaredLength > options.maxBytes) return tooLarge();
  if (!body) return fail('empty', 'No file arrived. Choose a report file and upload it again.');
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const filePath = path.join(options.dir, `upload-${randomUUID()}.part`);
  const out = createWriteStream(filePath, { mode: 0o600 });
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.byteLength;
      if (bytes > options.maxBytes) {
        out.destroy();
        await rm(filePath, { force: true });
        return tooLarge();
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    await rm(filePath, { force: true });
    // The browser or a proxy dropped the connection mid-body: an incomplete upload, not a server error.
    if ((error as { code?: string }).code === 'ECONNRESET' || (error as Error).name === 'AbortError' || /aborted|terminated/i.test((error as Error).message ?? '')) {
      return fail('incomplete', `The upload was incomplete: the connection ended after ${bytes} bytes. Nothing was loaded; upload the file again.`);
    }
    throw error;
  }
  if (options.declaredLength != null && bytes !== options.declaredLength) {
    // A body cut short (a proxy limit, a dropped connection) is never parsed: its last line would be the error.
    await rm(filePath, { force: true });
    return fail('incomplete', `The upload was incomplete: ${bytes} of ${options.declaredLength} bytes arrived. Nothing was loaded; upload the file again.`);
  }
  if (bytes === 0) {
    await rm(filePath, { force: true });
    return fail('empty', 'The uploaded file is empty. Nothing was loaded.');
  }
  return ok({ filePath, bytes });
}
