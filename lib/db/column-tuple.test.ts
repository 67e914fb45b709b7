import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { AUDIT_COLUMNS, auditValues } from '@/lib/audit/record-audit';
import { DELIVERY_COLUMNS, deliveryTuple, INBOX_COLUMNS, inboxTuple } from '@/lib/notifications/inbox-sql';
import { PAYMENT_EVENT_COLUMNS, paymentEventValues } from '@/lib/payments/payment-events';
import { columnTuple } from './column-tuple';
import { auditLog, paymentEvents } from './schema';

// The hot-path statements' text, as the table definitions now generate it. Before the helper these were
// typed by hand; the text is the same but for a cast on every value (the old text cast only some), so
// each parameter's type is explicit wherever the tuple is used. A schema change that renames or retypes
// one of these columns shows here, and the compiler refuses a property the table does not have.

const dialect = new PgDialect();
const at = new Date('2026-03-04T05:06:07.089Z');

describe('columnTuple: hand-written SQL from the drizzle table definitions', () => {
  it('the audit row: names, order and casts from auditLog; jsonb through jsonText (bigint as text)', () => {
    const query = dialect.sqlToQuery(
      sql`insert into audit_log ${AUDIT_COLUMNS} values ${auditValues(
        { userId: '7c0e1b52-7d4c-4a0e-9d55-2a8b3f1c0a11', email: 'ana@example.com', role: 'admin', ip: '10.0.0.1', userAgent: 'UA' },
        { action: 'payment.charge', objectType: 'payment', objectId: 'p1', after: { amountMinor: 1250n } },
      )}`,
    );
    expect(query.sql).toBe(
      'insert into audit_log (created_at, actor_id, actor_email, actor_role, action, object_type, object_id, before, after, ip, user_agent) values ' +
        '(coalesce($1::timestamp with time zone, now()), $2::uuid, $3::text, $4::text, $5::text, $6::text, $7::text, $8::jsonb, $9::jsonb, $10::text, $11::text)',
    );
    expect(query.params).toEqual([null, '7c0e1b52-7d4c-4a0e-9d55-2a8b3f1c0a11', 'ana@example.com', 'admin', 'payment.charge', 'payment', 'p1', null, '{"amountMinor":"1250"}', '10.0.0.1', 'UA']);
  });

  it('an audit row without an actor takes the origin, and a given time as ISO text', () => {
    const query = dialect.sqlToQuery(auditValues(null, { action: 'auth.sign_in_failed', objectType: 'staff_user', origin: { ip: '1.2.3.4', userAgent: 'curl' }, at }));
    expect(query.params).toEqual([at.toISOString(), null, null, null, 'auth.sign_in_failed', 'staff_user', null, null, null, '1.2.3.4', 'curl']);
  });

  it('payment timeline entries: one tuple per entry, the same text per entry', () => {
    const query = dialect.sqlToQuery(
      sql`insert into payment_events ${PAYMENT_EVENT_COLUMNS} values ${paymentEventValues([
        { paymentId: 'a', type: 'pay_sent', cause: 'staff', at },
        { paymentId: 'a', refundId: 'r', type: 'status_changed', cause: 'job', detail: { from: 'CREATED', amountMinor: 5n } },
      ])}`,
    );
    const tuple = (n: number) => `($${n}::uuid, $${n + 1}::uuid, $${n + 2}::text, $${n + 3}::text, $${n + 4}::jsonb, coalesce($${n + 5}::timestamp with time zone, now()))`;
    expect(query.sql).toBe(`insert into payment_events (payment_id, refund_id, type, cause, detail, created_at) values ${tuple(1)}, ${tuple(7)}`);
    expect(query.params).toEqual(['a', null, 'pay_sent', 'staff', null, at.toISOString(), 'a', 'r', 'status_changed', 'job', '{"from":"CREATED","amountMinor":"5"}', null]);
  });

  it('the inbox and delivery rows of a notification', () => {
    const inbox = { id: 'i', dedupeKey: 'k', channel: 'payment', notifyType: 'PAYMENT_RESULT', rawBodyCiphertext: 'c', bodySha256: 'h', maskedBody: 'm', receivedAt: at };
    const query = dialect.sqlToQuery(
      sql`insert into inbox_events ${INBOX_COLUMNS} values (${inboxTuple(inbox, { objectType: 'payment', objectRef: 'ref', outcome: 'applied', detail: null, processed: true })})`,
    );
    expect(query.sql).toBe(
      'insert into inbox_events (id, dedupe_key, channel, notify_type, raw_body_ciphertext, body_sha256, masked_body, received_at, object_type, object_ref, outcome, outcome_detail, processed_at) values ' +
        '($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::timestamp with time zone, $9::text, $10::text, $11::text, $12::text, $13::timestamp with time zone)',
    );
    expect(query.params).toEqual(['i', 'k', 'payment', 'PAYMENT_RESULT', 'c', 'h', 'm', at.toISOString(), 'payment', 'ref', 'applied', null, at.toISOString()]);

    const delivery = dialect.sqlToQuery(
      sql`insert into notification_deliveries ${DELIVERY_COLUMNS} select ${deliveryTuple(sql`id`, {
        channel: 'payment',
        path: '/api/alipay/notify/payment',
        requestPath: '/api/alipay/notify/payment',
        notifyType: 'PAYMENT_RESULT',
        objectRef: 'ref',
        signatureVerdict: 'valid',
        keyVersion: null,
        clientId: 'SANDBOX',
        requestTime: '2026-03-04T13:06:07+08:00',
        dedupeVerdict: 'new',
        outcome: 'applied',
        httpStatus: 200,
        headers: { 'content-type': 'application/json' },
        maskedBody: '{}',
        bodyBytes: 2,
        latencyMs: 3,
        sourceIp: null,
      })} from inbox`,
    );
    expect(delivery.sql).toBe(
      'insert into notification_deliveries (inbox_event_id, channel, path, request_path, notify_type, object_ref, signature_verdict, key_version, client_id, request_time, dedupe_verdict, outcome, http_status, headers, masked_body, body_bytes, latency_ms, source_ip) select ' +
        'id, $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text, $11::text, $12::integer, $13::jsonb, $14::text, $15::integer, $16::integer, $17::text from inbox',
    );
    expect(delivery.params[12]).toBe('{"content-type":"application/json"}');
  });

  it('refuses at run time what the compiler refuses: an unknown or repeated column', () => {
    expect(() => columnTuple(paymentEvents, ['paymentId', 'nope' as 'type'])).toThrow(/no column nope/);
    expect(() => columnTuple(paymentEvents, ['type', 'type'])).toThrow(/named twice/);
  });

  it('the compiler checks property names, completeness, nullability and value types', () => {
    const row = columnTuple(auditLog, ['action', 'objectType', 'actorId']);
    // Compile-time checks only (tsc runs over tests); the function is never called.
    const compileOnly = () => {
      // @ts-expect-error a property auditLog does not have
      columnTuple(auditLog, ['action', 'actionName']);
      // @ts-expect-error objectType left out
      row.tuple({ action: 'a', actorId: null });
      // @ts-expect-error action is NOT NULL
      row.tuple({ action: null, objectType: 'o', actorId: null });
      // @ts-expect-error a number for a text column
      row.tuple({ action: 1, objectType: 'o', actorId: null });
      row.tuple({ action: 'a', objectType: sql`'o'`, actorId: null });
      const stamped = columnTuple(auditLog, ['action', 'createdAt'], { nullMeans: { createdAt: 'now()' } });
      stamped.tuple({ action: 'a', createdAt: null });
      // @ts-expect-error createdAt is NOT NULL and has no nullMeans here
      columnTuple(auditLog, ['action', 'createdAt']).tuple({ action: 'a', createdAt: null });
    };
    expect(typeof compileOnly).toBe('function');
    expect(dialect.sqlToQuery(row.values({ action: 'a', objectType: sql`'o'`, actorId: null })).sql).toBe("$1::text, 'o', $2::uuid");
    expect(dialect.sqlToQuery(row.param('actorId', null)).sql).toBe('$1::uuid');
    // nullMeans: the fallback wraps the value, in every position, and an SQL value still goes as written.
    const stamped = columnTuple(auditLog, ['createdAt', 'action', 'objectId'], { nullMeans: { createdAt: 'now()', objectId: "'none'" } });
    expect(dialect.sqlToQuery(stamped.tuple({ createdAt: null, action: 'a', objectId: null }))).toMatchObject({
      sql: "(coalesce($1::timestamp with time zone, now()), $2::text, coalesce($3::text, 'none'))",
      params: [null, 'a', null],
    });
    expect(dialect.sqlToQuery(stamped.values({ createdAt: sql`now()`, action: 'a', objectId: 'x' })).sql).toBe("now(), $1::text, coalesce($2::text, 'none')");
  });
});
