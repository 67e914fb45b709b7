import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only record of every staff mutation, written in the same transaction as the change.
 * A trigger (drizzle/0001_audit_append_only.sql) refuses UPDATE and DELETE, so the app cannot rewrite history.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorEmail: text('actor_email'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    index('audit_log_object_idx').on(t.objectType, t.objectId),
    index('audit_log_created_idx').on(t.createdAt),
    // Audit page filters (lib/audit/list-audit.ts), newest first by id.
    index('audit_log_actor_idx').on(sql`lower(${t.actorEmail})`, t.id),
    index('audit_log_action_idx').on(t.action, t.id),
    // The per-IP sign-in limit counts recent failures by address.
    index('audit_log_failed_sign_in_ip_idx').on(t.ip, t.createdAt).where(sql`${t.action} = 'auth.sign_in_failed'`),
    // Known addresses: has this account signed in from this IP recently? (lock and throttle skip them)
    index('audit_log_sign_in_ip_idx').on(t.objectId, t.ip, t.createdAt).where(sql`${t.action} = 'auth.sign_in'`),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;
