import { sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { isUuid } from '@/lib/db/is-uuid';
import { rowsOf } from '@/lib/db/rows-of';
import { JOB_SCHEMA } from './job-queue';

export interface FailedJob {
  id: string;
  /** The queue (job name), e.g. `payment-resolve`. */
  name: string;
  /** The ids the job carried (`paymentId`, `refundId`, …): jobs carry ids only, and nothing else is shown. */
  ids: Record<string, string>;
  /** The error the last attempt threw: its message's first line, at most 300 characters. */
  error: string | null;
  /** Runs made: the first and every retry. */
  attempts: number;
  /** When the last attempt failed. */
  failedAt: Date | null;
}

export interface FailedJobsPage {
  items: FailedJob[];
  /** The last item's id when there may be more (pass as `after`). */
  nextCursor: string | null;
}

export const FAILED_JOBS_PAGE_SIZE = 50;

const ID_KEY = /^(?:id|[a-z][A-Za-z0-9]*Id)$/;
const ID_VALUE = /^[A-Za-z0-9_:.-]{1,100}$/;

/**
 * Jobs that used up their retries, newest failure first, for admins (`jobs.read`): pg-boss keeps them in
 * its job table for 12 hours, then in its archive for 7 days; both are read. Keyset paging on
 * (failure time, id), the cursor being the last row's id. Before the queue's first start there are no
 * tables yet: an empty list.
 */
export async function listFailedJobs(db: Db, actor: Pick<Actor, 'role'>, options: { after?: string | null; limit?: number } = {}): Promise<FailedJobsPage> {
  assertCan(actor, 'jobs.read');
  const limit = Math.min(Math.max(1, options.limit ?? FAILED_JOBS_PAGE_SIZE), 200);
  const after = options.after && isUuid(options.after) ? options.after : null;
  if (options.after && !after) return { items: [], nextCursor: null };
  const schema = sql.identifier(JOB_SCHEMA);
  const failed = sql`(select id, name, data, output, retry_count, completed_on from ${schema}.job where state = 'failed'
                      union all
                      select id, name, data, output, retry_count, completed_on from ${schema}.archive where state = 'failed')`;
  // A cursor that no longer exists (deleted by retention) compares with NULL: no rows, never the whole list.
  const position = after ? sql`where (coalesce(f.completed_on, 'epoch'), f.id) < (select coalesce(c.completed_on, 'epoch'), c.id from ${failed} c where c.id = ${after}::uuid limit 1)` : sql``;
  let rows: Array<Record<string, unknown>>;
  try {
    rows = rowsOf<Record<string, unknown>>(
      await db.execute(sql`
        select f.id::text as id, f.name, f.data, f.output, f.retry_count, f.completed_on
        from ${failed} f
        ${position}
        order by coalesce(f.completed_on, 'epoch') desc, f.id desc
        limit ${limit + 1}`),
    );
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return { items: [], nextCursor: null }; // no pg-boss tables yet
    throw error;
  }
  const items = rows.slice(0, limit).map(
    (row): FailedJob => ({
      id: String(row.id),
      name: String(row.name),
      ids: idsOf(row.data),
      error: errorText(row.output),
      attempts: Number(row.retry_count ?? 0) + 1,
      failedAt: row.completed_on ? new Date(row.completed_on as string) : null,
    }),
  );
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/** Only id-like entries of a job's data: a payload could one day carry something that is not an id. */
function idsOf(data: unknown): Record<string, string> {
  const parsed = typeof data === 'string' ? safeJson(data) : data;
  const out: Record<string, string> = {};
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return out;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (ID_KEY.test(key) && typeof value === 'string' && ID_VALUE.test(value)) out[key] = value;
  }
  return out;
}

function errorText(output: unknown): string | null {
  const parsed = typeof output === 'string' ? (safeJson(output) ?? output) : output;
  if (parsed == null) return null;
  const message = typeof parsed === 'object' && 'message' in parsed ? String((parsed as { message: unknown }).message) : typeof parsed === 'string' ? parsed : JSON.stringify(parsed);
  const line = message.split('\n')[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line || null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
