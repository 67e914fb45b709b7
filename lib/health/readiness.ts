import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '@/lib/db/client';
import type { LifecyclePhase } from './lifecycle';

export type CheckResult = { ok: true; detail?: string } | { ok: false; reason: string };

export interface Readiness {
  status: 'ready' | 'not_ready';
  gateway: 'antom' | 'simulator';
  checks: { database: CheckResult; migrations: CheckResult; queue: CheckResult; lifecycle: CheckResult };
  /** One line per failed check, for the 503 body and logs. */
  reasons: string[];
}

export interface ReadinessDeps {
  database: () => Promise<Database>;
  /** Resolves once this process's job queue has started (enqueue-only or working). */
  queue: () => Promise<unknown>;
  phase: () => LifecyclePhase;
  gateway: 'antom' | 'simulator';
  migrationsFolder?: string;
  /** Each check gives up after this long (default 2 s): a probe must answer quickly. */
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 200);
}

/** The newest migration the code ships (drizzle/meta/_journal.json): its tag and timestamp. */
export async function newestShippedMigration(folder: string): Promise<{ tag: string; when: number; count: number }> {
  const journal = JSON.parse(await readFile(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  const newest = journal.entries.reduce((a, b) => (b.when > a.when ? b : a));
  return { tag: newest.tag, when: newest.when, count: journal.entries.length };
}

/**
 * Ready to take traffic: the database answers, its schema has every migration this code ships (drizzle
 * records each applied one with the journal's timestamp), the job queue has started, and the process is
 * not draining after SIGTERM. The gateway mode is reported, not judged (monitoring alerts on `simulator`).
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const folder = deps.migrationsFolder ?? path.join(process.cwd(), 'drizzle');
  const fail = (reason: string): CheckResult => ({ ok: false, reason });

  let database: CheckResult;
  let migrations: CheckResult;
  try {
    const db = await withTimeout(deps.database(), timeoutMs, 'the database');
    await withTimeout(db.executeSql('select 1'), timeoutMs, 'the database');
    database = { ok: true, detail: db.kind };
    try {
      const shipped = await newestShippedMigration(folder);
      const applied = await withTimeout(db.executeSql('select max(created_at)::text as newest from drizzle.__drizzle_migrations'), timeoutMs, 'the migrations table');
      const newest = Number((applied.rows[0] as { newest: string | null } | undefined)?.newest ?? 0);
      migrations = newest >= shipped.when ? { ok: true, detail: shipped.tag } : fail(`migrations behind: the code ships ${shipped.tag}, the database has not applied it`);
    } catch (error) {
      migrations = fail(`migrations unknown: ${firstLine(error)}`);
    }
  } catch (error) {
    database = fail(`database unreachable: ${firstLine(error)}`);
    migrations = fail('migrations unknown: the database is unreachable');
  }

  let queue: CheckResult;
  try {
    await withTimeout(deps.queue(), timeoutMs, 'the job queue');
    queue = { ok: true };
  } catch (error) {
    queue = fail(`job queue not started: ${firstLine(error)}`);
  }

  const phase = deps.phase();
  const lifecycle: CheckResult = phase === 'running' ? { ok: true } : fail('shutting down: finishing in-flight work');

  const checks = { database, migrations, queue, lifecycle };
  const reasons = Object.values(checks).flatMap((check) => (check.ok ? [] : [check.reason]));
  return { status: reasons.length === 0 ? 'ready' : 'not_ready', gateway: deps.gateway, checks, reasons };
}
