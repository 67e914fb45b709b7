import { inspect } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { isUniqueViolation } from '@/lib/db/is-unique-violation';
import { customers, staffUsers } from '@/lib/db/schema';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;

/** Everything a logger could print about an error: message, stack, own properties, causes. */
const printed = (error: unknown) => `${String(error)}\n${inspect(error, { depth: 6 })}\n${JSON.stringify(error)}`;

describe(`failed queries keep their parameters out of errors and logs (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  it('a unique violation names the constraint, not the email or the password hash it was given', async () => {
    const values = { email: 'maria.santos@example.com', name: 'Maria Santos', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$SECRETHASHVALUE' };
    await database.db.insert(staffUsers).values(values);
    const error = await database.db.insert(staffUsers).values(values).then(() => null, (e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    const text = printed(error);
    expect(text).toMatch(/23505/);
    for (const value of Object.values(values)) expect(text).not.toContain(value);
  });

  it('a data exception does not echo the value that caused it', async () => {
    const error = await database.db.select().from(customers).where(eq(customers.id, 'not-a-uuid-but-36-characters-long-xx')).then(() => null, (e: unknown) => e);
    const text = printed(error);
    expect(text).toMatch(/22P02/);
    expect(text).not.toContain('not-a-uuid-but-36-characters-long-xx');
  });

  it('keeps the server message where it names no value (a trigger refusing a change)', async () => {
    const error = await database.db.execute(sql`truncate audit_log`).then(() => null, (e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/append-only/);
  });
});
