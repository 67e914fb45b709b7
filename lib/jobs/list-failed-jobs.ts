import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { JOB_SCHEMA } from './job-queue';

export interface FailedJob {
  id: string;
  name: string;
  data: unknown;
  /** The error the last attempt threw (message only; payloads are ids). */
  error: string | null;
  retryCount: number;
  completedAt: Date | null;
}

/**
 * Jobs that used up their retries, newest first, for the Developers page and the Overview's attention panel.
 * pg-boss keeps them in its own schema until its retention deletes them.
 */
export async function listFailedJobs(db: Db, limit = 50): Promise<FailedJob[]> {
  const result = await db.execute(
    sql`select id::text as id, name, data, output, retry_count, completed_on from ${sql.identifier(JOB_SCHEMA)}.job where state = 'failed' order by completed_on desc nulls last limit ${limit}`,
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    data: row.data,
    error: errorText(row.output),
    retryCount: Number(row.retry_count ?? 0),
    completedAt: row.completed_on ? new Date(row.completed_on as string) : null,
  }));
}

function errorText(output: unknown): string | null {
  if (output && typeof output === 'object' && 'message' in output) return String((output as { message: unknown }).message);
  return output == null ? null : JSON.stringify(output).slice(0, 500);
}
