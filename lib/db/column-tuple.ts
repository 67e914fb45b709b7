import { is, sql, SQL, type Table } from 'drizzle-orm';
import { columnCodecs, sqlFromParts, type ColumnCodec } from './drizzle-internals';
import { jsonText } from './json-text';

type ColumnKey<T extends Table> = keyof T['$inferSelect'] & string;

/** A value for column K: what drizzle's insert takes (null only where the column allows it), or an SQL expression. */
export type ColumnValue<T extends Table, K extends ColumnKey<T>> =
  | Exclude<T['$inferInsert'][K & keyof T['$inferInsert']], undefined>
  | (null extends T['$inferSelect'][K] ? null : never)
  | SQL;

/** One row's values; a column with a `nullMeans` fallback (N) also takes null. */
export type ColumnRow<T extends Table, K extends ColumnKey<T>, N extends K = never> = { readonly [P in K]: ColumnValue<T, P> | (P extends N ? null : never) };

export interface ColumnTuple<T extends Table, K extends ColumnKey<T>, N extends K = never> {
  /** `(col_a, col_b, …)`: the SQL names, in the order given. */
  readonly columns: SQL;
  /** `$1::type_a, $2::type_b, …` in `columns` order, for `select … from moved` or inside another tuple. */
  values(row: ColumnRow<T, K, N>): SQL;
  /** `($1::type_a, $2::type_b, …)`: one VALUES tuple. */
  tuple(row: ColumnRow<T, K, N>): SQL;
  /** One value as `$n::type`, encoded like `values` does, for an expression around it (`coalesce(…, now())`). */
  param<P extends K>(key: P, value: Exclude<ColumnValue<T, P>, SQL> | null): SQL;
}

/**
 * Column list and typed values for hand-written SQL on the hot path, taken from the drizzle table
 * definition instead of being copied by hand: naming a property the table does not have, leaving one out,
 * or giving a value of the wrong type is a compile error, and each SQL name, type and encoding comes from
 * the schema.
 *
 * Every value is cast to its column's type (`$n::uuid`), so the statement means the same in `VALUES`, in
 * `select * from (values …)` and in `insert … select … from moved`, and postgres.js and PGlite see one
 * parameter type whatever the value. A plain value goes through its column's own encoder (Date → ISO text
 * for timestamps); json / jsonb through `jsonText` instead (bigint as text: drizzle's encoder would throw).
 * An SQL value is used as written. `nullMeans` names what a null stands for (`{ createdAt: 'now()' }`
 * writes `coalesce($n::timestamp with time zone, now())`), so such a column takes null and the text stays fixed.
 *
 * The statement text is fixed for given keys, so `executePrepared` can keep one plan per connection.
 */
export function columnTuple<T extends Table, const K extends readonly ColumnKey<T>[], N extends K[number] = never>(
  table: T,
  keys: K,
  options: {
    /** SQL text that stands for a null value of these columns: `{ createdAt: 'now()' }` → `coalesce($n::…, now())`. */
    nullMeans?: { readonly [P in N]: string };
  } = {},
): ColumnTuple<T, K[number], N> {
  const codecs = columnCodecs(table);
  const picked: ColumnCodec[] = keys.map((key) => {
    const codec = codecs.get(key);
    if (!codec) throw new Error(`columnTuple: the table has no column ${key}`);
    return codec;
  });
  if (picked.length === 0) throw new Error('columnTuple: no columns');
  if (new Set(keys).size !== keys.length) throw new Error('columnTuple: a column is named twice');

  const columns = sql.raw(`(${picked.map((c) => c.name).join(', ')})`);
  const casts = picked.map((c) => `::${c.sqlType}`);
  const isJson = picked.map((c) => c.dataType === 'json');

  // The statement's fixed text around the values: "(" value "::uuid, " value "::text, " … ")", where an SQL
  // value takes no cast (it is used as written). Which columns get an SQL value is the same on every call
  // of one statement, so the text parts are built once per such pattern (a bit mask) and then reused: a
  // call only encodes its values, as cheap as the template literal it replaces.
  const fallbacks = picked.map((c) => (options.nullMeans as Record<string, string | undefined> | undefined)?.[c.key]);
  const partsByMask = new Map<number, { bare: string[]; wrapped: string[] }>();
  const partsFor = (mask: number) => {
    let parts = partsByMask.get(mask);
    if (!parts) {
      const asSql = (i: number) => (mask & (1 << i)) !== 0;
      const before = (i: number) => (!asSql(i) && fallbacks[i] ? 'coalesce(' : '');
      const after = (i: number) => (asSql(i) ? '' : `${casts[i]}${fallbacks[i] ? `, ${fallbacks[i]})` : ''}`);
      const build = (open: string, close: string) => [open + before(0), ...picked.map((_, i) => after(i) + (i === picked.length - 1 ? close : `, ${before(i + 1)}`))];
      parts = { bare: build('', ''), wrapped: build('(', ')') };
      partsByMask.set(mask, parts);
    }
    return parts;
  };
  if (picked.length > 30) throw new Error('columnTuple: at most 30 columns');

  const encode = (i: number, value: unknown): unknown => {
    if (value === null || value === undefined) return null;
    return isJson[i] ? jsonText(value) : picked[i]!.toDriver(value);
  };
  const build = (row: Record<string, unknown>, wrap: boolean): SQL => {
    const values: unknown[] = new Array(picked.length);
    let mask = 0;
    for (let i = 0; i < picked.length; i++) {
      const value = row[picked[i]!.key];
      if (value !== null && typeof value === 'object' && is(value, SQL)) {
        mask |= 1 << i;
        values[i] = value;
      } else values[i] = encode(i, value);
    }
    const parts = partsFor(mask);
    return sqlFromParts(wrap ? parts.wrapped : parts.bare, values);
  };

  return {
    columns,
    values: (row) => build(row, false),
    tuple: (row) => build(row, true),
    param: (key, value) => {
      const i = keys.indexOf(key);
      return sqlFromParts(['', casts[i]!], [encode(i, value)]);
    },
  };
}
