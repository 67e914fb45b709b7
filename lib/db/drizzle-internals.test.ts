import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import fc from 'fast-check';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { npmVersion as installedVersion } from 'drizzle-orm/version';
import { PgDialect, PgPreparedQuery } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnCodecs, compilePlainSql, compileWithDrizzle, DRIZZLE_VERSION_CHECKED, installPlainSqlCompiler, prepareNamedQuery, sqlFromParts } from './drizzle-internals';
import { rowsOf } from './rows-of';
import { auditLog, notificationDeliveries } from './schema';
import './scrub-query-errors';

// Each test names one drizzle internal that lib/db/drizzle-internals.ts relies on. After a drizzle upgrade,
// a failure here says which one moved; fix drizzle-internals.ts (nothing else reaches into drizzle), then
// bump DRIZZLE_VERSION_CHECKED. PostgreSQL's side (postgres.js really preparing) is checked in
// tests/integration/drizzle-internals.test.ts.

let client: PGlite;
let db: ReturnType<typeof drizzle>;

beforeAll(async () => {
  client = new PGlite();
  db = drizzle(client);
  await client.exec('create table t (id int primary key, note text)');
});
afterAll(async () => client.close());

describe('drizzle internals Daikou relies on', () => {
  it(`the installed drizzle-orm is the version these were checked against (${DRIZZLE_VERSION_CHECKED})`, () => {
    expect(installedVersion, 'drizzle-orm changed: run this file, fix lib/db/drizzle-internals.ts, then bump DRIZZLE_VERSION_CHECKED').toBe(DRIZZLE_VERSION_CHECKED);
  });

  it('db.dialect.sqlToQuery and db.session.prepareQuery(query, fields, name, arrayMode) run a named statement', async () => {
    const internals = db as unknown as { dialect?: { sqlToQuery?: unknown }; session?: { prepareQuery?: unknown } };
    expect(typeof internals.dialect?.sqlToQuery).toBe('function');
    expect(typeof internals.session?.prepareQuery).toBe('function');
    const prepared = prepareNamedQuery(db, sql`select ${41}::int + 1 as answer`, 'daikou');
    expect(prepared).toBeInstanceOf(PgPreparedQuery);
    expect(rowsOf<{ answer: number }>(await prepared.execute())).toEqual([{ answer: 42 }]);
    await db.transaction(async (tx) => {
      expect(rowsOf(await prepareNamedQuery(tx, sql`select 1 as one`, 'daikou').execute())).toEqual([{ one: 1 }]);
    });
  });

  it('PgPreparedQuery.prototype.queryWithCache(queryString, params, query) wraps a driver error in DrizzleQueryError, replaced by ours', async () => {
    const proto = PgPreparedQuery.prototype as unknown as { queryWithCache?: (q: string, p: unknown[], run: () => Promise<unknown>) => Promise<unknown>; __daikouQueryErrors?: unknown };
    expect(typeof proto.queryWithCache).toBe('function');
    expect(proto.__daikouQueryErrors).toBeTypeOf('function');
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "t_pkey"'), { code: '23505', constraint: 't_pkey', detail: 'Key (id)=(1) already exists.' });
    const thrown = await proto.queryWithCache!.call({ cache: undefined }, 'insert into t values ($1)', ['secret'], () => Promise.reject(driverError)).catch((e: unknown) => e);
    expect(thrown).not.toBeInstanceOf(DrizzleQueryError);
    expect(thrown).toMatchObject({ name: 'DatabaseQueryError', code: '23505', constraint_name: 't_pkey' });

    // And every real query goes through it: the builder, execute and a prepared statement.
    await db.execute(sql`insert into t values (1, 'secret-note')`);
    for (const attempt of [
      () => db.execute(sql`insert into t values (1, 'secret-note')`),
      () => prepareNamedQuery(db, sql`insert into t values (${1}, ${'secret-note'})`, 'daikou').execute(),
    ]) {
      const error = await attempt().then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'DatabaseQueryError', code: '23505' });
      expect(String((error as Error).message)).not.toContain('secret-note');
    }
  });

  it('sql(strings, ...values) accepts precomputed text parts', () => {
    const query = new PgDialect().sqlToQuery(sqlFromParts(['(', '::uuid, ', ')'], ['a', sql`now()`]));
    expect(query).toMatchObject({ sql: '($1::uuid, now())', params: ['a'] });
    expect(() => sqlFromParts(['(', ')'], [1, 2])).toThrow(/2 parts for 2 values/);
  });

  it("a column's name, getSQLType(), dataType, mapToDriverValue and mapFromDriverValue", () => {
    const audit = columnCodecs(auditLog);
    expect([...audit.keys()]).toEqual(['id', 'createdAt', 'actorId', 'actorEmail', 'actorRole', 'action', 'objectType', 'objectId', 'before', 'after', 'ip', 'userAgent']);
    const createdAt = audit.get('createdAt')!;
    expect(createdAt).toMatchObject({ name: 'created_at', sqlType: 'timestamp with time zone', dataType: 'date' });
    const at = new Date('2026-03-04T05:06:07.089Z');
    expect(createdAt.toDriver(at)).toBe(at.toISOString());
    expect(createdAt.fromDriver('2026-03-04 05:06:07.089+00')).toEqual(at);
    expect(audit.get('id')).toMatchObject({ name: 'id', sqlType: 'bigserial', dataType: 'bigint' });
    expect(audit.get('id')!.fromDriver('9007199254740993')).toBe(9007199254740993n);
    expect(audit.get('actorId')).toMatchObject({ name: 'actor_id', sqlType: 'uuid', dataType: 'string' });
    expect(audit.get('after')).toMatchObject({ name: 'after', sqlType: 'jsonb', dataType: 'json' });
    expect(audit.get('after')!.fromDriver('{"a":1}')).toEqual({ a: 1 });
    expect(audit.get('after')!.fromDriver({ a: 1 })).toEqual({ a: 1 });
    expect(columnCodecs(notificationDeliveries).get('latencyMs')).toMatchObject({ name: 'latency_ms', sqlType: 'integer', dataType: 'number' });
    expect(columnCodecs(auditLog)).toBe(audit);
  });
});

describe('compilePlainSql: plain statements compiled as drizzle compiles them', () => {
  const value = fc.oneof(fc.string(), fc.integer(), fc.bigInt(), fc.boolean(), fc.constant(null));
  // Random statements built the ways the hand-written SQL builds them: template values, nested templates,
  // sql.raw, sql.join, sqlFromParts, sql.empty and undefined chunks.
  const statement: fc.Arbitrary<SQL> = fc.letrec<{ node: SQL }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(fc.string(), value, fc.string()).map(([a, v, b]) => sql`${sql.raw(a)}${v}${sql.raw(b)}`),
      fc.string().map((t) => sql.raw(t)),
      fc.constant(sql.empty()),
      fc.array(value, { maxLength: 4 }).map((vs) => sqlFromParts(['(', ...vs.map(() => ', ')].slice(0, vs.length + 1).map((p, i) => (i === vs.length ? ')' : p)), vs)),
      fc.array(tie('node'), { maxLength: 4 }).map((nodes) => sql.join(nodes, sql`, `)),
      fc.tuple(tie('node'), value, tie('node')).map(([a, v, b]) => sql`select ${a} where x = ${v} and ${b}${undefined}`),
    ),
  })).node;

  it('equals drizzle on any mix of text, nested sql and plain values', () => {
    fc.assert(
      fc.property(statement, (query) => {
        expect(compilePlainSql(query)).toEqual(compileWithDrizzle(query));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves everything else to drizzle: columns, tables, names, arrays, objects, dates, inlined params', () => {
    for (const query of [
      sql`select ${auditLog.id} from t`,
      sql`select 1 from ${auditLog}`,
      sql`select ${sql.identifier('note')} from t`,
      sql`select * from t where id in ${[1, 2]}`,
      sql`select ${{ a: 1 }}::jsonb`,
      sql`select ${new Date(0)}::timestamptz`,
      sql`select ${1}`.inlineParams(),
      sql`select ${sql`${'x'}`.inlineParams()}`,
    ]) {
      expect(compilePlainSql(query)).toBeNull();
    }
  });

  it('once installed, the dialect of every db compiles plain statements with it and the rest as before', async () => {
    installPlainSqlCompiler();
    const internals = db as unknown as { dialect: PgDialect };
    expect(internals.dialect.sqlToQuery(sql`select ${1}::int, ${'a'}::text`)).toEqual({ sql: 'select $1::int, $2::text', params: [1, 'a'], typings: ['none', 'none'] });
    const withColumn = sql`select ${notificationDeliveries.id} where x = ${2}`;
    expect(internals.dialect.sqlToQuery(withColumn)).toEqual(compileWithDrizzle(withColumn));
    expect(rowsOf<{ n: number }>(await db.execute(sql`select ${41}::int + 1 as n`))).toEqual([{ n: 42 }]);
    const builder = db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.id} = ${'x'}`).limit(1);
    const { params, sql: text } = compileWithDrizzle(builder.getSQL());
    expect(builder.toSQL()).toMatchObject({ sql: text, params });
    expect(rowsOf<{ note: string }>(await db.execute(sql`insert into t (id, note) values (${7}, ${'seven'}) returning note`))).toEqual([{ note: 'seven' }]);
  });
});
