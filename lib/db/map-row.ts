import { getTableColumns, type InferSelectModel, type Table } from 'drizzle-orm';

const columnsOf = new WeakMap<Table, [string, { name: string; mapFromDriverValue(value: unknown): unknown }][]>();

/**
 * A row from hand-written SQL (`returning t.*`, snake_case names, driver values) as drizzle's select would
 * give it: property names from the schema, each value through its column's own decoder (bigint, Date, json).
 */
export function mapRow<T extends Table>(table: T, raw: Record<string, unknown>): InferSelectModel<T> {
  let columns = columnsOf.get(table);
  if (!columns) {
    columns = Object.entries(getTableColumns(table)) as never;
    columnsOf.set(table, columns!);
  }
  const out: Record<string, unknown> = {};
  for (const [key, column] of columns!) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as InferSelectModel<T>;
}
