import { randomBytes } from 'node:crypto';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '@/lib/db/client';

const MIGRATIONS = path.resolve(__dirname, '..', '..', 'drizzle');

/** Which database the integration suites run against in this vitest run (scripts/test-all.ts sets it). */
export function testDatabaseKind(): 'pglite' | 'postgres' {
  return process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL (or DATABASE_URL)');
  return url;
}

/**
 * A fresh, migrated, isolated database for one test file: an in-memory PGlite, or a new PostgreSQL
 * database with a random name that `close()` drops again.
 */
export async function createTestDatabase(): Promise<Database> {
  if (testDatabaseKind() === 'pglite') return openDatabase({ pgliteDir: 'memory', migrationsFolder: MIGRATIONS });
  // TEST_DATABASE_PREFIX: a prefix of one's own on a PostgreSQL server shared with others (default daikou_test).
  const prefix = process.env.TEST_DATABASE_PREFIX ?? 'daikou_test';
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`TEST_DATABASE_PREFIX "${prefix}" is not a plain lower-case name`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), migrationsFolder: MIGRATIONS, maxConnections: 4 });
  return {
    ...database,
    async close() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
