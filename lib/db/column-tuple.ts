import { is, sql, SQL, type Table } from 'drizzle-orm';
import { columnCodecs, sqlFromParts, type ColumnCodec } from './drizzle-internals';
import { jsonText } from './json-text';

type ColumnKey<T extends Table> = keyof T['$inferSelect'] & string;

/** A value for column K: what drizzle's insert takes (null only where the column allows it), or an SQL expression. */
export type ColumnValue<T extends Table, K extends ColumnKey<T>> =
  | Exclude<T['$inferInsert'][K & keyof T['$inferInsert']], undefined>
  | (null extends T['$inferSelect'][K] ? null : never)
  | SQL;

export type ColumnRow<T extends Table, K extends ColumnKey<T>> = { readonly [P in K]: ColumnValue<T, P> };

export interface ColumnTuple<T extends Table, K extends ColumnKey<T>> {
  /** `(col_a, col_b, …)`: the SQL names, in the order given. */
  readonly columns: SQL;
  /** `$1::type_a, $2::type_b, …` in `columns` order, for `select … from moved` or inside another tuple. */
  values(row: ColumnRow<T, K>): SQL;
  /** `($1::type_a, $2::type_b, …)`: one VALUES tuple. */
  tuple(row: ColumnRow<T, K>): SQL;
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
 * An SQL value is used as written (its author casts it: `coalesce(${t.param('createdAt', at)}, now())`).
 *
 * The statement text is fixed for given keys, so `executePrepared` can keep one plan per connection.
 */
export function columnTuple<T extends Table, const K extends readonly ColumnKey<T>[]>(table: T, keys: K): ColumnTuple<T, K[number]> {
  const codecs = columnCodecs(table);
  const picked: ColumnCodec[] = keys.map((key) => {
    const codec = codecs.get(key);
    if (!codec) throw new Error(`columnTuple: the table has no column ${key}`);
    return codec;
  });
  if (picked.length === 0) throw new Error('columnTuple: no columns');
  if (new Set(keys).size !== keys.length) throw new Error('columnTuple: a column is named twice');

  const columns = sql.raw(`(${picked.map((c) => c.name).join(', ')})`);
  // Fixed text "(" value cast ", " value cast … ")": each value followed by its cast (an SQL value by
  // nothing: it is used as written). Built once here; a call only fills in the slots.
  const casts = picked.map((c) => sql.raw(`::${c.sqlType}`));
  const noCast = sql.empty();
  const parts = (open: string, close: string): string[] => [open, ...picked.flatMap((_, i) => ['', i === picked.length - 1 ? close : ', '])];
  const bare = parts('', '');
  const wrapped = parts('(', ')');

  const encode = (codec: ColumnCodec, value: unknown): unknown => {
    if (value === null || value === undefined) return null;
    return codec.dataType === 'json' ? jsonText(value) : codec.toDriver(value);
  };
  const encodeRow = (row: Record<string, unknown>): unknown[] => {
    const slots: unknown[] = [];
    for (let i = 0; i < picked.length; i++) {
      const value = row[picked[i]!.key];
      if (is(value, SQL)) slots.push(value, noCast);
      else slots.push(encode(picked[i]!, value), casts[i]);
    }
    return slots;
  };

  return {
    columns,
    values: (row) => sqlFromParts(bare, encodeRow(row)),
    tuple: (row) => sqlFromParts(wrapped, encodeRow(row)),
    param: (key, value) => {
      const codec = codecs.get(key)!;
      return sql`${encode(codec, value)}${sql.raw(`::${codec.sqlType}`)}`;
    },
  };
}
