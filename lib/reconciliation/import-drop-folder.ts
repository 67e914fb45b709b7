import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { reportFiles } from '@/lib/db/schema';
import { importReportFile } from './import-report-file';
import { matchReportDay, type MatchResult } from './match-report-day';
import { parseReportName } from './report-format';

export interface DropFolderOptions {
  dir: string;
  clientId: string;
  copyUrl?: string;
}

export interface DropFolderResult {
  loaded: string[];
  rejected: { fileName: string; code: string; error: string }[];
  matched: MatchResult[];
}

/**
 * One sweep of the drop folder (the simulator's sftp/ folder, or a mirror of Antom's SFTP): loads every
 * report file not seen before, then matches each day that received something, once. A file already
 * recorded under the same name and size is skipped without reading it; anything else is hashed, so a
 * renamed copy of a loaded file is still a harmless duplicate.
 */
export async function importDropFolder(db: Db, options: DropFolderOptions): Promise<DropFolderResult> {
  const names = await listReportNames(options.dir);
  const result: DropFolderResult = { loaded: [], rejected: [], matched: [] };
  if (names.length === 0) return result;

  const seen = await db
    .select({ fileName: reportFiles.fileName, byteCount: reportFiles.byteCount })
    .from(reportFiles)
    .where(and(inArray(reportFiles.fileName, names), eq(reportFiles.source, 'drop_folder')));
  const seenKeys = new Set(seen.map((s) => `${s.fileName}:${s.byteCount}`));

  const days = new Set<string>();
  for (const fileName of names) {
    const filePath = path.join(options.dir, fileName);
    const size = (await stat(filePath)).size;
    if (seenKeys.has(`${fileName}:${size}`)) continue;
    const outcome = await importReportFile(db, { filePath, fileName, source: 'drop_folder', clientId: options.clientId, copyUrl: options.copyUrl });
    if (!outcome.ok) {
      result.rejected.push({ fileName, code: outcome.code, error: outcome.error });
      continue;
    }
    if (outcome.data.status === 'loaded') {
      result.loaded.push(fileName);
      days.add(outcome.data.reportDate);
    }
  }
  for (const day of [...days].sort()) result.matched.push(await matchReportDay(db, day));
  return result;
}

/**
 * Report files of the folder in load order: settlement details and summaries before transaction details,
 * then by day — only so a day's first match sees its batches; the matcher is order-independent anyway.
 */
async function listReportNames(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const order = { settlement_details: 0, settlement_summary: 1, transaction_details: 2 } as const;
  return entries
    .filter((n) => n.endsWith('.csv'))
    .map((n) => ({ n, parsed: parseReportName(n) }))
    .sort((a, b) => (a.parsed ? order[a.parsed.kind] : 3) - (b.parsed ? order[b.parsed.kind] : 3) || a.n.localeCompare(b.n))
    .map((x) => x.n);
}
