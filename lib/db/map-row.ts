import type { InferSelectModel, Table } from 'drizzle-orm';
import { columnCodecs } from './drizzle-internals';

/**
 * A row from hand-written SQL (`returning t.*`, snake_case names, driver values) as drizzle's select would
 * give it: property names from the schema, each value through its column's own decoder (bigint, Date, json).
 */
export function mapRow<T extends Table>(table: T, raw: Record<string, unknown>): InferSelectModel<T> {
  const out: Record<string, unknown> = {};
  for (const codec of columnCodecs(table).values()) {
    const value = raw[codec.name];
    out[codec.key] = value === null || value === undefined ? null : codec.fromDriver(value);
  }
  return out as InferSelectModel<T>;
}
