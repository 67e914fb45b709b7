import type { SQL } from 'drizzle-orm';
import type { Db } from './client';
import { prepareNamedQuery } from './drizzle-internals';

/**
 * `db.execute(query)` as a server-side prepared statement. drizzle sends every statement unnamed, so
 * PostgreSQL parses and plans it again on each call; for the few fixed-text statements that run on every
 * payment result and notification, naming it lets postgres.js prepare it once per connection (cached by its
 * text and parameter types) and only bind and execute afterwards. PGlite ignores the name.
 */
export function executePrepared(db: Db, query: SQL): Promise<unknown> {
  return prepareNamedQuery(db, query, 'daikou').execute();
}
