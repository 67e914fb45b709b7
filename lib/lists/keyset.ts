import { asc, desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { ListSort } from './parse-list-filters';

/**
 * Keyset pagination on (sortColumn, id). The cursor is only the id of the last row shown: the comparison
 * re-reads that row's sort value in SQL, so microsecond timestamps never round-trip through a URL and a
 * cursor cannot be forged into a different position. An id that no longer exists yields no rows after it
 * (the subquery is NULL), never the whole table.
 */
export function keyset(options: { sort: ListSort; createdAt: AnyColumn; amount?: AnyColumn; id: AnyColumn; table: string; after: string | null }): {
  where: SQL | null;
  orderBy: SQL[];
} {
  const byAmount = (options.sort === 'amount_desc' || options.sort === 'amount_asc') && options.amount;
  const column = byAmount ? options.amount! : options.createdAt;
  const columnName = byAmount ? 'amount_minor' : 'created_at';
  const descending = options.sort === 'newest' || options.sort === 'amount_desc';
  const order = descending ? [desc(column), desc(options.id)] : [asc(column), asc(options.id)];
  if (!options.after) return { where: null, orderBy: order };
  const previous = sql`(select k.${sql.raw(columnName)}, k.id from ${sql.raw(options.table)} k where k.id = ${options.after})`;
  const where = descending ? sql`(${column}, ${options.id}) < ${previous}` : sql`(${column}, ${options.id}) > ${previous}`;
  return { where, orderBy: order };
}
