import { getTableColumns, sql, SQL, StringChunk, type Table } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { PgDialect, PgPreparedQuery } from 'drizzle-orm/pg-core';

/**
 * Every use Daikou makes of drizzle beyond its documented query API, in one place. Each export below relies
 * on something drizzle does not promise to keep; lib/db/drizzle-internals.test.ts checks each of them by
 * name (it exists, and behaves as relied on), so a drizzle upgrade that changes one fails that test instead
 * of silently turning prepared statements off, leaking query parameters into logs, or mis-decoding rows.
 *
 * Checked against drizzle-orm DRIZZLE_VERSION_CHECKED; re-run the test after any upgrade.
 */
export const DRIZZLE_VERSION_CHECKED = '0.45.4';

// ─── Prepared statements ───────────────────────────────────────────────────────────────────────────────

/** The two private members of a drizzle pg database / transaction that `.prepare(name)` itself uses. */
interface SessionInternals {
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  session: {
    prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> };
  };
}

/**
 * A fixed-text statement as a named prepared query (drizzle's postgres-js session turns `name !== undefined`
 * into postgres.js `prepare: true`; PGlite ignores it). `db` is any drizzle pg database or transaction.
 */
export function prepareNamedQuery(db: object, query: SQL, name: string): { execute(): Promise<unknown> } {
  const internals = db as unknown as SessionInternals;
  return internals.session.prepareQuery(internals.dialect.sqlToQuery(query), undefined, name, false);
}

// ─── Compiling plain statements ──────────────────────────────────────────────────────────────────────────

/** What drizzle's dialect makes of an SQL object: the text with $n placeholders, the values, and each one's typing. */
export interface CompiledQuery {
  sql: string;
  params: unknown[];
  typings?: string[];
}

type SqlToQuery = (this: PgDialect, query: SQL, invokeSource?: unknown) => CompiledQuery;
const DIALECT = PgDialect.prototype as unknown as { sqlToQuery: SqlToQuery; __daikouPlainSql?: SqlToQuery };

/**
 * The text and values of a statement made only of text, nested `sql` and plain values (string, number, bigint,
 * boolean, null) — every hand-written statement on the hot path — exactly as drizzle's dialect compiles it
 * (`$1`, `$2`, … in order, each value typed 'none'), or null for anything else (a table, column, name,
 * placeholder, array, object or Date, or inlined params), which drizzle compiles. drizzle checks every chunk
 * against a dozen entity kinds by walking prototype chains and merges an object per chunk: its compile of the
 * charge's insert cost more CPU than PostgreSQL spends running it.
 */
export function compilePlainSql(query: SQL): CompiledQuery | null {
  const params: unknown[] = [];
  let text = '';
  const walk = (node: SQL): boolean => {
    if ((node as unknown as { shouldInlineParams: boolean }).shouldInlineParams) return false;
    for (const chunk of node.queryChunks as unknown[]) {
      if (chunk instanceof StringChunk) {
        const parts = chunk.value;
        text += parts.length === 1 ? parts[0]! : parts.join('');
      } else if (chunk instanceof SQL) {
        if (!walk(chunk)) return false;
      } else if (chunk === undefined) {
        continue;
      } else if (chunk === null || typeof chunk === 'string' || typeof chunk === 'number' || typeof chunk === 'bigint' || typeof chunk === 'boolean') {
        params.push(chunk);
        text += `$${params.length}`;
      } else return false;
    }
    return true;
  };
  if (!walk(query)) return null;
  return params.length > 0 ? { sql: text, params, typings: params.map(() => 'none') } : { sql: text, params };
}

/** drizzle's own compile of a statement (what compilePlainSql must equal; for tests). */
export function compileWithDrizzle(query: SQL): CompiledQuery {
  return (DIALECT.__daikouPlainSql ?? DIALECT.sqlToQuery).call(new PgDialect(), query);
}

/**
 * Every pg dialect (postgres.js, PGlite, each transaction) compiles plain statements with compilePlainSql, and
 * anything else as before. Installed once per process.
 */
export function installPlainSqlCompiler(): void {
  if (DIALECT.__daikouPlainSql) return;
  const original = DIALECT.sqlToQuery;
  DIALECT.__daikouPlainSql = original;
  DIALECT.sqlToQuery = function (this: PgDialect, query, invokeSource) {
    return (invokeSource === undefined ? compilePlainSql(query) : null) ?? original.call(this, query, invokeSource);
  };
}

// ─── Query errors ──────────────────────────────────────────────────────────────────────────────────────

type QueryWithCache = (this: unknown, queryString: string, params: unknown[], query: () => Promise<unknown>) => Promise<unknown>;
const PREPARED_QUERY = PgPreparedQuery.prototype as unknown as { queryWithCache: QueryWithCache; __daikouQueryErrors?: (cause: unknown) => Error };

/**
 * Replaces the error of every failed query, from every drizzle pg driver (postgres.js, PGlite, builder,
 * `execute`, prepared): they all run through `PgPreparedQuery.prototype.queryWithCache`, which wraps the
 * driver's error in DrizzleQueryError("Failed query: … params: …"). `replace` gets the driver's own error
 * (DrizzleQueryError's `cause`). Installed once per process; a second call keeps the first mapping.
 */
export function replaceQueryErrors(replace: (driverError: unknown) => Error): void {
  if (PREPARED_QUERY.__daikouQueryErrors) return;
  const original = PREPARED_QUERY.queryWithCache;
  PREPARED_QUERY.queryWithCache = async function (this: unknown, queryString, params, query) {
    try {
      return await original.call(this, queryString, params, query);
    } catch (error) {
      // drizzle's own class from drizzle's own module: the same copy as the prototype patched here.
      throw error instanceof DrizzleQueryError ? replace(error.cause) : error;
    }
  };
  PREPARED_QUERY.__daikouQueryErrors = replace;
}

// ─── Columns ───────────────────────────────────────────────────────────────────────────────────────────

/** What hand-written SQL needs of one column of a drizzle table. */
export interface ColumnCodec {
  /** The table definition's property name (camelCase). */
  key: string;
  /** The SQL column name (snake_case). */
  name: string;
  /** The column's SQL type as the migration declares it (`uuid`, `timestamp with time zone`, `jsonb`, …). */
  sqlType: string;
  /** drizzle's data kind: 'json' for json / jsonb, 'date', 'bigint', 'string', 'number', … */
  dataType: string;
  /** The value a driver should be given (Date → ISO text for timestamps, …). */
  toDriver(value: unknown): unknown;
  /** A driver's value as drizzle's select would give it (bigint, Date, parsed JSON). */
  fromDriver(value: unknown): unknown;
}

interface ColumnInternals {
  name: string;
  dataType: string;
  getSQLType(): string;
  mapToDriverValue(value: unknown): unknown;
  mapFromDriverValue(value: unknown): unknown;
}

const codecsOf = new WeakMap<Table, ReadonlyMap<string, ColumnCodec>>();

/** Each column of a table, by property name, in declaration order (computed once per table). */
export function columnCodecs(table: Table): ReadonlyMap<string, ColumnCodec> {
  let codecs = codecsOf.get(table);
  if (!codecs) {
    codecs = new Map(
      Object.entries(getTableColumns(table)).map(([key, c]) => {
        const column = c as unknown as ColumnInternals;
        const codec: ColumnCodec = {
          key,
          name: column.name,
          sqlType: column.getSQLType(),
          dataType: column.dataType,
          toDriver: (value) => column.mapToDriverValue(value),
          fromDriver: (value) => column.mapFromDriverValue(value),
        };
        return [key, codec] as const;
      }),
    );
    codecsOf.set(table, codecs);
  }
  return codecs;
}

// ─── Statement text ────────────────────────────────────────────────────────────────────────────────────

/**
 * `sql` called with text parts built at run time instead of a template literal: `parts[0] values[0]
 * parts[1] …` (one more part than values), each value a parameter or an SQL fragment, as in `sql\`…\``.
 * The tag only iterates its strings, so precomputed parts give one fixed statement text without a string
 * concatenation per call.
 */
export function sqlFromParts(parts: readonly string[], values: readonly unknown[]): SQL {
  if (parts.length !== values.length + 1) throw new Error(`sqlFromParts: ${parts.length} parts for ${values.length} values`);
  return sql(parts as unknown as TemplateStringsArray, ...values);
}
