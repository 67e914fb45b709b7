import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLUMNS, auditValues } from '@/lib/audit/record-audit';
import type { Database } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/execute-prepared';
import { mapRow } from '@/lib/db/map-row';
import { rowsOf } from '@/lib/db/rows-of';
import { auditLog, inboxEvents, notificationDeliveries } from '@/lib/db/schema';
import { DELIVERY_COLUMNS, deliveryTuple, INBOX_COLUMNS, inboxTuple } from '@/lib/notifications/inbox-sql';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

// lib/db/drizzle-internals.ts on a real database: statements built from the table definitions run in
// each form the hot path uses them, their rows come back through mapRow as drizzle's select gives them,
// and on PostgreSQL executePrepared really leaves a prepared statement on the connection.

let database: Database;

describe(`hand-written SQL from the table definitions (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  it('an audit row through `select * from (values …)` reads back through mapRow as the builder reads it', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const actor = { userId: randomUUID(), email: 'ana@example.com', role: 'admin' as const, ip: '10.0.0.1', userAgent: 'UA' };
    const [raw] = rowsOf<Record<string, unknown>>(
      await executePrepared(
        database.db,
        sql`insert into audit_log ${AUDIT_COLUMNS} select * from (values ${auditValues(actor, { action: 'test.write', objectType: 'thing', objectId: 'x1', at, after: { amountMinor: 1250n } })}) v returning *`,
      ),
    );
    const mapped = mapRow(auditLog, raw!);
    const [viaBuilder] = await database.db.select().from(auditLog).where(sql`${auditLog.id} = ${mapped.id}`);
    expect(mapped).toEqual(viaBuilder);
    expect(mapped).toMatchObject({ createdAt: at, actorId: actor.userId, actorRole: 'admin', action: 'test.write', after: { amountMinor: '1250' }, before: null });
    expect(typeof mapped.id).toBe('bigint');
  });

  it('the inbox and delivery rows in one statement, the delivery selecting from the inbox insert', async () => {
    const id = randomUUID();
    const at = new Date('2026-03-04T05:06:07.089Z');
    const inbox = { id, dedupeKey: `k-${id}`, channel: 'payment', notifyType: 'PAYMENT_RESULT', rawBodyCiphertext: 'c', bodySha256: 'h', maskedBody: '{}', receivedAt: at };
    const delivery = {
      channel: 'payment', path: '/n', requestPath: '/n', notifyType: 'PAYMENT_RESULT', objectRef: 'ref', signatureVerdict: 'valid', keyVersion: null, clientId: 'C',
      requestTime: null, dedupeVerdict: 'new', outcome: 'applied', httpStatus: 200, headers: { a: 'b' }, maskedBody: '{}', bodyBytes: 2, latencyMs: 3,
        sourceIp: null,
    };
    await executePrepared(
      database.db,
      sql`with inbox as (insert into inbox_events ${INBOX_COLUMNS} select ${inboxTuple(inbox, { objectType: 'payment', objectRef: 'ref', outcome: 'applied', detail: null, processed: true })} returning id)
          insert into notification_deliveries ${DELIVERY_COLUMNS} select ${deliveryTuple(sql`id`, delivery)} from inbox`,
    );
    const [row] = await database.db.select().from(inboxEvents).where(sql`${inboxEvents.id} = ${id}`);
    expect(row).toMatchObject({ receivedAt: at, processedAt: at, outcome: 'applied', objectType: 'payment', outcomeDetail: null });
    const [d] = await database.db.select().from(notificationDeliveries).where(sql`${notificationDeliveries.inboxEventId} = ${id}`);
    expect(d).toMatchObject({ headers: { a: 'b' }, httpStatus: 200, latencyMs: 3, requestTime: null, keyVersion: null });
  });

  it.runIf(testDatabaseKind() === 'postgres')('executePrepared leaves a named prepared statement on the connection (postgres.js prepare)', async () => {
    const marker = `daikou_prepared_${randomUUID().replaceAll('-', '')}`;
    await database.db.transaction(async (tx) => {
      // (with a parameter: postgres.js sends a statement without any by the simple protocol, never prepared)
      await executePrepared(tx, sql`select ${1}::int as ${sql.raw(marker)}`);
      const found = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%${marker}%`}`));
      expect(found[0]!.n).toBe(1);
      // …where drizzle's own execute does not (so the check above can tell the two apart).
      const unnamed = `${marker}_unnamed`;
      await tx.execute(sql`select ${1}::int as ${sql.raw(unnamed)}`);
      const none = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%${unnamed}%`}`));
      expect(none[0]!.n).toBe(0);
    });
  });
});
