import path from 'node:path';
import { env } from '@/lib/env';
import { openDatabase, type Database, type Db } from './client';

export type { Db } from './client';

// One database per process, cached on globalThis so Next's dev hot reload does not open a second PGlite
// on the same files (PGlite allows one opener) or a second postgres.js pool.
const globalForDb = globalThis as unknown as { daikouDatabase?: Promise<Database> };

/** The process-wide database, migrated before first use. */
export function getDatabase(): Promise<Database> {
  globalForDb.daikouDatabase ??= (() => {
    const config = env();
    return openDatabase({ url: config.DATABASE_URL, pgliteDir: path.join(config.DATA_DIR, 'pglite'), maxConnections: config.DATABASE_POOL_SIZE });
  })();
  return globalForDb.daikouDatabase;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}
