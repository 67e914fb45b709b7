import type { SQL } from 'drizzle-orm';
import type { Db } from './client';

interface DrizzleInternals {
  dialect: { sqlToQuery(query: SQL): unknown };
  session: { prepareQuery(query: unknown, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> } };
}

/**
 * `db.execute(query)` as a server-side prepared statement. drizzle sends every statement unnamed, so
 * PostgreSQL parses and plans it again on each call; for the few fixed-text statements that run on every
 * payment result and notification, naming it lets postgres.js prepare it once per connection (cached by its
 * text and parameter types) and only bind and execute afterwards. PGlite ignores the name. Uses drizzle's
 * session the way its own `.prepare(name)` does.
 */
export function executePrepared(db: Db, query: SQL): Promise<unknown> {
  const internals = db as unknown as DrizzleInternals;
  return internals.session.prepareQuery(internals.dialect.sqlToQuery(query), undefined, 'daikou', false).execute();
}
