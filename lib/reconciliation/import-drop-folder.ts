import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { reportFiles } from '@/lib/db/schema';
import { importReportFile } from './import-report-file';
import { matchReportDay, type MatchResult } from './match-report-day';
import { compactDay, readNameHint } from './report-format';

export interface DropFolderOptions {
  dir: string;
  merchantId: string | undefined;
  copyUrl?: string;
}

export interface DropFolderResult {
  loaded: string[];
  rejected: { fileName: string; code: string; error: string }[];
  matched: MatchResult[];
}

/**
 * One sweep of the drop folder (the simulator's SFTP tree, or a mirror of Antom's SFTP): loads every
 * report file not seen before — at any depth, so Antom's `v1/settlements/<merchantId>/<YYYYMMDD>/` layout
 * works as well as a flat folder — then matches each day that received something, once. A file already
 * recorded under the same name and size is skipped without reading it; anything else is hashed, so a
 * renamed copy of a loaded file is still a harmless duplicate.
 */
export async function importDropFolder(db: Db, options: DropFolderOptions): Promise<DropFolderResult> {
  const files = await listReportFiles(options.dir);
  const result: DropFolderResult = { loaded: [], rejected: [], matched: [] };
  if (files.length === 0) return result;

  const seen = await db
    .select({ fileName: reportFiles.fileName, byteCount: reportFiles.byteCount, remotePath: reportFiles.remotePath })
    .from(reportFiles)
    .where(and(inArray(reportFiles.fileName, [...new Set(files.map((f) => f.name))]), eq(reportFiles.source, 'drop_folder')));
  const seenKeys = new Set(seen.map((s) => `${s.remotePath ?? s.fileName}:${s.byteCount}`));

  const days = new Set<string>();
  for (const file of files) {
    const filePath = path.join(options.dir, file.rel);
    const size = (await stat(filePath)).size;
    if (seenKeys.has(`${file.rel}:${size}`) || seenKeys.has(`${file.name}:${size}`)) continue;
    const outcome = await importReportFile(db, {
      filePath,
      fileName: file.name,
      source: 'drop_folder',
      merchantId: options.merchantId,
      folderDay: file.folderDay,
      remotePath: file.rel,
      copyUrl: options.copyUrl,
    });
    if (!outcome.ok) {
      result.rejected.push({ fileName: file.name, code: outcome.code, error: outcome.error });
      continue;
    }
    if (outcome.data.status === 'loaded') {
      result.loaded.push(file.name);
      days.add(outcome.data.reportDate);
    }
  }
  for (const day of [...days].sort()) result.matched.push(await matchReportDay(db, day));
  return result;
}

interface DropFile {
  /** Path relative to the folder, with forward slashes. */
  rel: string;
  name: string;
  /** The YYYYMMDD folder it sits in, as a day. */
  folderDay: string | null;
}

/**
 * Report files (.csv, .xlsx) of the tree in load order: settlement files before transaction details, then
 * by day — only so a day's first match sees its batches; the matcher is order-independent anyway.
 */
async function listReportFiles(dir: string): Promise<DropFile[]> {
  const out: DropFile[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth < 5) await walk(child, depth + 1);
      else if (e.isFile() && /\.(csv|xlsx)$/i.test(e.name)) out.push({ rel: child, name: e.name, folderDay: compactDay(path.basename(rel)) });
    }
  };
  await walk('', 0);
  const order = (name: string) => ({ settlement_details: 0, settlement_summary: 1, transaction_details: 2 } as const)[readNameHint(name).kind ?? 'transaction_details'];
  return out.sort((a, b) => (a.folderDay ?? '').localeCompare(b.folderDay ?? '') || order(a.name) - order(b.name) || a.rel.localeCompare(b.rel));
}
