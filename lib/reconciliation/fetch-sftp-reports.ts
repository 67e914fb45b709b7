import { log } from '@/lib/log';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, desc, eq } from 'drizzle-orm';
import ssh2, { type Client, type SFTPWrapper } from 'ssh2';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { reconSftpState, reportFiles } from '@/lib/db/schema';
import { importReportFile } from './import-report-file';
import { matchReportDay, type MatchResult } from './match-report-day';
import { compactDay, readNameHint } from './report-format';

export interface SftpConfig {
  host: string;
  port: number;
  user: string;
  password?: string;
  privateKey?: string;
  merchantId: string;
  /** Largest file downloaded, in bytes; larger ones are refused once, with the reason. */
  maxBytes: number;
  /** Where partial downloads wait to be resumed. */
  spoolDir: string;
  copyUrl?: string;
  /** Connection / handshake timeout (ms). */
  timeoutMs?: number;
}

export interface SftpFetchResult {
  status: 'fetched' | 'failed' | 'waiting';
  loaded: string[];
  rejected: { path: string; error: string }[];
  /** Files whose new version replaced an earlier one (changed on the server). */
  changed: string[];
  matched: MatchResult[];
  error?: string;
}

/** Folders re-read before the last complete one: transaction files are rewritten on T+2 for post-quoted FX. */
const LOOKBACK_DAYS = 2;
/** A refused file (same size and time on the server) is read again after this long. */
const RETRY_REFUSED_MS = 60 * 60_000;
/** Between successful runs. */
export const SFTP_INTERVAL_MS = 10 * 60_000;
/** Back-off after failures: 1, 2, 4 … minutes, at most an hour. */
const backoffMs = (failures: number) => Math.min(60, 2 ** Math.max(0, failures - 1)) * 60_000;

/**
 * One run of the SFTP fetcher (a worker job): lists `/v1/settlements/<merchantId>/` on Antom's SFTP,
 * reads the day folders from a little before the last one fetched, downloads each file not yet fetched in
 * this size and modification time — one at a time, resuming a download cut off last time, under a size
 * cap — and imports it (all or nothing) only once it is complete. A file that changed on the server after
 * import is loaded as a new version with its differences listed. The days that received something are
 * matched.
 *
 * When the server is down or refuses the credentials nothing is imported; the failure is recorded,
 * retried with back-off (1, 2, 4 … min, ≤ 1 h), and alerted once per outage (an audit entry and a log
 * line), cleared on the next success.
 */
export async function fetchSftpReports(db: Db, config: SftpConfig, { now = new Date(), force = false }: { now?: Date; force?: boolean } = {}): Promise<SftpFetchResult> {
  const result: SftpFetchResult = { status: 'fetched', loaded: [], rejected: [], changed: [], matched: [] };
  await db.insert(reconSftpState).values({ id: 1 }).onConflictDoNothing();
  const [state] = await db.select().from(reconSftpState).where(eq(reconSftpState.id, 1));
  if (state?.nextAttemptAt && state.nextAttemptAt > now) return { ...result, status: 'waiting', error: state.lastError ?? undefined };
  if (!force && !state?.failures && state?.lastFetchedAt && state.lastFetchedAt.getTime() > now.getTime() - SFTP_INTERVAL_MS) return { ...result, status: 'waiting' };

  let conn: Client | undefined;
  const days = new Set<string>();
  let lastComplete = state?.lastDay ?? null;
  try {
    conn = await connect(config);
    const sftp = await openSftp(conn);
    const base = `/v1/settlements/${config.merchantId}`;
    const folders = (await readdir(sftp, base)).filter((e) => e.dir && compactDay(e.name)).map((e) => e.name).sort();
    const from = lastComplete ? shiftCompact(lastComplete, -LOOKBACK_DAYS) : null;
    for (const folder of folders.filter((f) => !from || f >= from)) {
      const entries = (await readdir(sftp, `${base}/${folder}`)).filter((e) => !e.dir && /\.(csv|xlsx)$/i.test(e.name));
      // Settlement files first, so a day's first match sees its batches.
      entries.sort((a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name));
      for (const entry of entries) {
        const remotePath = `${base}/${folder}/${entry.name}`;
        const [known] = await db
          .select({ byteCount: reportFiles.byteCount, remoteMtime: reportFiles.remoteMtime, status: reportFiles.status, createdAt: reportFiles.createdAt })
          .from(reportFiles)
          .where(and(eq(reportFiles.remotePath, remotePath), eq(reportFiles.source, 'sftp')))
          .orderBy(desc(reportFiles.createdAt))
          .limit(1);
        // Each version once; a refused one is tried again hourly (its cause may have been fixed, e.g. ANTOM_MERCHANT_ID).
        const sameVersion = known && known.byteCount === BigInt(entry.size) && known.remoteMtime === entry.mtime;
        if (sameVersion && (known.status === 'LOADED' || known.createdAt.getTime() > now.getTime() - RETRY_REFUSED_MS)) continue;
        if (entry.size > config.maxBytes) {
          if (!known) {
            const error = `${entry.name} is ${(entry.size / 1e6).toFixed(0)} MB, above the ${(config.maxBytes / 1e6).toFixed(0)} MB limit (ANTOM_SFTP_MAX_MB); it was not downloaded.`;
            await db.insert(reportFiles).values({ sha256: `size-cap:${remotePath}:${entry.size}`, fileName: entry.name, status: 'REJECTED', error, source: 'sftp', remotePath, remoteMtime: entry.mtime, byteCount: BigInt(entry.size), reportDate: compactDay(folder) });
            result.rejected.push({ path: remotePath, error });
          }
          continue;
        }
        const local = await download(sftp, remotePath, entry.size, config.spoolDir);
        try {
          const imported = await importReportFile(db, {
            filePath: local,
            fileName: entry.name,
            source: 'sftp',
            merchantId: config.merchantId,
            folderDay: compactDay(folder),
            remotePath,
            remoteMtime: entry.mtime,
            copyUrl: config.copyUrl,
          });
          if (!imported.ok) {
            result.rejected.push({ path: remotePath, error: imported.error });
          } else if (imported.data.status === 'loaded') {
            result.loaded.push(remotePath);
            if (imported.data.changes) result.changed.push(remotePath);
            days.add(imported.data.reportDate);
          } else {
            // The same bytes under a new time stamp: remember this version so it is not read again.
            await db
              .update(reportFiles)
              .set({ remoteMtime: entry.mtime })
              .where(and(eq(reportFiles.id, imported.data.fileId), eq(reportFiles.remotePath, remotePath)));
          }
        } finally {
          await rm(local, { force: true });
        }
      }
      lastComplete = lastComplete && lastComplete > folder ? lastComplete : folder;
    }
  } catch (error) {
    conn?.end();
    return recordFailure(db, state, now, describe(error, config), result);
  }
  conn.end();

  for (const day of [...days].sort()) result.matched.push(await matchReportDay(db, day));
  // Neighbouring days may now find their near-midnight items.
  for (const day of neighbours(days)) {
    const [has] = await db.select({ id: reportFiles.id }).from(reportFiles).where(and(eq(reportFiles.reportDate, day), eq(reportFiles.kind, 'transaction_details'), eq(reportFiles.status, 'LOADED'))).limit(1);
    if (has) result.matched.push(await matchReportDay(db, day));
  }
  const recovered = (state?.failures ?? 0) > 0;
  await db
    .update(reconSftpState)
    .set({ lastDay: lastComplete, lastFetchedAt: now, lastError: null, failures: 0, nextAttemptAt: null, alertedAt: null, updatedAt: now })
    .where(eq(reconSftpState.id, 1));
  if (recovered) await recordAudit(db, null, { action: 'reconciliation.sftp_recovered', objectType: 'sftp', objectId: config.host, at: now });
  return result;
}

async function recordFailure(db: Db, state: typeof reconSftpState.$inferSelect | undefined, now: Date, error: string, result: SftpFetchResult): Promise<SftpFetchResult> {
  const failures = (state?.failures ?? 0) + 1;
  const alert = !state?.alertedAt;
  await db
    .update(reconSftpState)
    .set({ failures, lastError: error, nextAttemptAt: new Date(now.getTime() + backoffMs(failures)), alertedAt: alert ? now : state!.alertedAt, updatedAt: now })
    .where(eq(reconSftpState.id, 1));
  if (alert) {
    log().error(`Antom SFTP: ${error}`);
    await recordAudit(db, null, { action: 'reconciliation.sftp_unreachable', objectType: 'sftp', after: { error }, at: now });
  }
  return { ...result, status: 'failed', error };
}

/** Words for a person: what failed, without the secret. */
function describe(error: unknown, config: SftpConfig): string {
  const e = error as { level?: string; code?: string; message?: string };
  if (e.level === 'client-authentication') return `Antom's SFTP server ${config.host}:${config.port} refused the user "${config.user}" and its password or key. Check ANTOM_SFTP_USER / ANTOM_SFTP_PASSWORD with Antom support.`;
  if (e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT' || e.level === 'client-timeout') {
    return `Antom's SFTP server ${config.host}:${config.port} cannot be reached (${e.code ?? 'timeout'}). Check the host, the port and that Antom allow-lists this server's IP; retrying with back-off.`;
  }
  if (e.code === 'ENOENT' || /No such file/i.test(e.message ?? '')) return `The folder /v1/settlements/${config.merchantId}/ does not exist on ${config.host}: check ANTOM_MERCHANT_ID.`;
  return `Fetching from Antom's SFTP server ${config.host}:${config.port} failed: ${(e.message ?? String(error)).slice(0, 200)}`;
}

function order(name: string): number {
  return { settlement_details: 0, settlement_summary: 1, transaction_details: 2 }[readNameHint(name).kind ?? 'transaction_details'];
}

function shiftCompact(compact: string, days: number): string {
  const day = compactDay(compact)!;
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
}

function neighbours(days: Set<string>): string[] {
  const out = new Set<string>();
  for (const d of days) {
    for (const delta of [-1, 1]) {
      const n = new Date(Date.parse(`${d}T00:00:00Z`) + delta * 86_400_000).toISOString().slice(0, 10);
      if (!days.has(n)) out.add(n);
    }
  }
  return [...out].sort();
}

function connect(config: SftpConfig): Promise<Client> {
  return new Promise((resolve, reject) => {
    // ssh2 is CommonJS: a default import works under Node's ESM loader (tsx worker) and bundlers alike.
    const conn = new ssh2.Client();
    conn.once('ready', () => resolve(conn));
    conn.once('error', reject);
    conn.connect({
      host: config.host,
      port: config.port,
      username: config.user,
      password: config.password,
      privateKey: config.privateKey,
      readyTimeout: config.timeoutMs ?? 20_000,
      keepaliveInterval: 10_000,
    });
  });
}

function openSftp(conn: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => conn.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
}

interface Entry {
  name: string;
  dir: boolean;
  size: number;
  mtime: number;
}

function readdir(sftp: SFTPWrapper, dir: string): Promise<Entry[]> {
  return new Promise((resolve, reject) =>
    sftp.readdir(dir, (err, list) => {
      if (err) return reject(Object.assign(new Error(`${err.message} (${dir})`), { code: (err as { code?: number }).code === 2 ? 'ENOENT' : undefined }));
      resolve(
        list
          .filter((e) => e.filename !== '.' && e.filename !== '..')
          .map((e) => ({ name: e.filename, dir: (e.attrs.mode & 0o170000) === 0o040000, size: e.attrs.size, mtime: e.attrs.mtime })),
      );
    }),
  );
}

/**
 * Downloads one file to the spool folder, resuming a part left by an earlier cut-off run (same path and
 * size), and checks the byte count before handing it over: an incomplete file is never imported.
 */
async function download(sftp: SFTPWrapper, remotePath: string, size: number, spoolDir: string): Promise<string> {
  await mkdir(spoolDir, { recursive: true });
  const part = path.join(spoolDir, `${remotePath.replace(/[^A-Za-z0-9_.-]/g, '_')}.${size}.part`);
  const have = await stat(part).then(
    (s) => (s.size <= size ? s.size : -1),
    () => 0,
  );
  if (have < 0) await rm(part, { force: true });
  const start = Math.max(0, have);
  if (start < size) {
    await pipeline(sftp.createReadStream(remotePath, { start }), createWriteStream(part, { flags: start > 0 ? 'a' : 'w' }));
  }
  const got = (await stat(part)).size;
  if (got !== size) throw new Error(`${remotePath}: downloaded ${got} of ${size} bytes`);
  const done = `${part.slice(0, -'.part'.length)}.done`;
  await rm(done, { force: true });
  await rename(part, done);
  return done;
}
