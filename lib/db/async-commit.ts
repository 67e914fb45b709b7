import { sql } from 'drizzle-orm';

/**
 * A CTE named `async_commit` that lets the statement's own (implicit) transaction commit without waiting for its
 * WAL flush: `set_config(…, true)` is SET LOCAL, read when the transaction commits. The statement must reference
 * the CTE (`exists (select 1 from async_commit)` or a column) so PostgreSQL runs it.
 *
 * Only for rows whose loss in a database crash changes nothing that matters: the API rate bucket (a few spent
 * tokens forgotten) and the Idempotency-Key claim taken in the same statement (a claim lost before its charge or
 * refund was written left no effect; the retry claims afresh). The money those requests move commits synchronously
 * in its own statement, and a synchronous commit flushes the WAL up to itself, so every earlier asynchronous commit
 * is durable from then on. PGlite accepts the setting and ignores it.
 */
export const ASYNC_COMMIT_CTE = sql`async_commit as (select set_config('synchronous_commit', 'off', true) as on_commit)`;
