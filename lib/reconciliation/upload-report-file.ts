import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { importReportFile, type ImportedReport } from './import-report-file';
import { matchReportDay, type MatchResult } from './match-report-day';
import { spoolUpload } from './spool-upload';

export interface UploadReportInput {
  body: AsyncIterable<Uint8Array> | null;
  fileName: string | null;
  declaredLength: number | null;
  maxBytes: number;
  spoolDir: string;
  merchantId: string | undefined;
  copyUrl?: string;
}

/**
 * A report file uploaded by staff: spooled to disk under the byte cap, then loaded exactly like a
 * drop-folder file (same checks, all or nothing, unique by hash) and its day matched at once.
 */
export async function uploadReportFile(db: Db, actor: Actor, input: UploadReportInput): Promise<ServiceResult<{ report: ImportedReport; match: MatchResult | null }>> {
  assertCan(actor, 'reconciliation.manage');
  const fileName = input.fileName ? path.basename(input.fileName.trim()) : '';
  if (!fileName || fileName.length > 255) return fail('bad_name', 'The upload has no file name; choose the report file again.');
  const spooled = await spoolUpload(input.body, { maxBytes: input.maxBytes, declaredLength: input.declaredLength, dir: input.spoolDir });
  if (!spooled.ok) return spooled;
  try {
    const imported = await importReportFile(db, {
      filePath: spooled.data.filePath,
      fileName,
      source: 'upload',
      uploadedBy: actor.userId,
      merchantId: input.merchantId,
      copyUrl: input.copyUrl,
    });
    if (!imported.ok) return imported;
    const match = imported.data.status === 'loaded' ? await matchReportDay(db, imported.data.reportDate) : null;
    return ok({ report: imported.data, match });
  } finally {
    await rm(spooled.data.filePath, { force: true });
  }
}
