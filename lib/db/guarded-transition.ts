import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client';

/** A table whose rows move through a status column. */
type StatusTable = PgTable & { id: PgColumn; status: PgColumn };

/**
 * The one forward-only state change: `UPDATE t SET status = to, … WHERE id = $id AND status IN (from)`
 * (plus any extra guard), returning the updated row or null when the row was not in an allowed state —
 * i.e. another caller, notification or job got there first. Only a non-null result may be audited,
 * reported or followed by an AMS call; this is what makes concurrent callers converge on one effect.
 */
export async function guardedTransition<T extends StatusTable>(
  db: Db,
  table: T,
  options: {
    id: string;
    from: readonly T['status']['_']['data'][];
    to: T['status']['_']['data'];
    set?: Partial<T['$inferInsert']>;
    /** Extra conditions, e.g. a reservation bound or a claim owner. */
    where?: SQL;
  },
): Promise<T['$inferSelect'] | null> {
  const conditions = [eq(table.id, options.id), inArray(table.status, options.from as unknown[])];
  if (options.where) conditions.push(options.where);
  const rows = (await db
    .update(table)
    .set({ ...(options.set ?? {}), status: options.to } as never)
    .where(and(...conditions))
    .returning()) as T['$inferSelect'][];
  return rows[0] ?? null;
}
