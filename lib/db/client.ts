import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { installPlainSqlCompiler } from './drizzle-internals';
import { DEFAULT_POOL_SIZE } from './pool-size';
import * as schema from './schema';
// Side effect: failed queries never carry their parameters into logs.
import './scrub-query-errors';

// Hand-written statements (text, nested sql, plain values) are compiled without drizzle's per-chunk entity checks.
installPlainSqlCompiler();

export type Schema = typeof schema;
/** A database or a transaction: query functions take this first so services can compose them in one tx. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The PostgreSQL URL (postgres only): other clients of the same database (the job queue) connect with it. */
  url?: string;
  /** Raw SQL on this database's own connection (PGlite allows one opener, so the job queue shares it). */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number }>;
  /** LISTEN on a channel (NOTIFY wakes `onNotify`); resolves to the function that stops listening. */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; without it the embedded PGlite is used. */
  url?: string;
  /** PGlite data folder, or 'memory' for a throw-away database (tests). */
  pgliteDir?: string;
  /** Folder holding the SQL migrations (default: ./drizzle under the working directory). */
  migrationsFolder?: string;
  /** postgres.js pool size (default DEFAULT_POOL_SIZE, lib/db/pool-size.ts). */
  maxConnections?: number;
}

const ADVISORY_MIGRATION_LOCK = 7_384_020_191;

/**
 * Opens the database and applies every pending migration before returning, so no caller can see an old
 * schema. On PostgreSQL the migration runs under an advisory lock so two starting instances do not race.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const migrationsFolder = options.migrationsFolder ?? path.join(process.cwd(), 'drizzle');
  if (options.url) {
    const client = postgres(options.url, { max: options.maxConnections ?? DEFAULT_POOL_SIZE, onnotice: () => {} });
    const db = drizzlePostgres(client, { schema, casing: 'snake_case' });
    const lock = await client.reserve();
    try {
      await lock`select pg_advisory_lock(${ADVISORY_MIGRATION_LOCK})`;
      await migratePostgres(db, { migrationsFolder });
    } finally {
      await lock`select pg_advisory_unlock(${ADVISORY_MIGRATION_LOCK})`;
      lock.release();
    }
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      url: options.url,
      async executeSql(text, values) {
        const rows = await client.unsafe(text, (values ?? []) as never[]);
        return { rows: [...rows], rowCount: rows.count ?? rows.length };
      },
      async listen(channel, onNotify) {
        const { unlisten } = await client.listen(channel, () => onNotify());
        return unlisten;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dir = options.pgliteDir ?? path.join('.data', 'pglite');
  if (dir !== 'memory') mkdirSync(dir, { recursive: true });
  // pg_trgm: the search's trigram index (drizzle/0020); PostgreSQL has it in contrib.
  const client = dir === 'memory' ? new PGlite({ extensions: { pg_trgm } }) : new PGlite(dir, { extensions: { pg_trgm } });
  const db = drizzlePglite(client, { schema, casing: 'snake_case' });
  await migratePglite(db, { migrationsFolder });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    async executeSql(text, values) {
      if (values && values.length > 0) {
        const result = await client.query(text, values as unknown[]);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      }
      // Several statements without parameters (pg-boss's schema plans): the last result counts.
      const results = await client.exec(text);
      const last = results[results.length - 1];
      return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0 };
    },
    async listen(channel, onNotify) {
      const off = await client.listen(channel, () => onNotify());
      return async () => off();
    },
    close: () => client.close(),
  };
}

/** Cheap liveness probe used by the health route. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
