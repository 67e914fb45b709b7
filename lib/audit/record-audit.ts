import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { sql, type SQL } from 'drizzle-orm';
import { executePrepared } from '@/lib/db/execute-prepared';
import { jsonText } from '@/lib/db/json-text';

export interface AuditInput {
  action: string;
  /** Where the request came from when there is no actor yet (failed sign-ins). */
  origin?: { ip: string | null; userAgent: string | null };
  /** Defaults to the database clock; services with an injected clock pass theirs. */
  at?: Date;
  objectType: string;
  objectId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends one audit row. Call it with the same transaction as the change it records, so both commit or
 * neither does. Values are JSON-normalised (bigint → string) and must never contain secrets.
 */
export async function recordAudit(
  tx: Db,
  actor: Pick<Actor, 'userId' | 'email' | 'role' | 'ip' | 'userAgent'> | null,
  input: AuditInput,
): Promise<void> {
  // Hand-written: every change writes one of these, and drizzle's builder costs more CPU than the insert.
  await executePrepared(tx, sql`insert into audit_log ${AUDIT_COLUMNS} values ${auditValues(actor, input)}`);
}

/** The columns auditValues fills, in its order (for statements that add an audit row to a larger statement). */
export const AUDIT_COLUMNS = sql.raw('(created_at, actor_id, actor_email, actor_role, action, object_type, object_id, before, after, ip, user_agent)');

/** One audit row as a parenthesised VALUES tuple in AUDIT_COLUMNS order. */
export function auditValues(actor: Pick<Actor, 'userId' | 'email' | 'role' | 'ip' | 'userAgent'> | null, input: AuditInput): SQL {
  return sql`(coalesce(${input.at ? input.at.toISOString() : null}::timestamptz, now()), ${actor?.userId ?? null}::uuid, ${actor?.email ?? null},
            ${actor?.role ?? null}, ${input.action}, ${input.objectType}, ${input.objectId ?? null}, ${jsonText(input.before)}::jsonb,
            ${jsonText(input.after)}::jsonb, ${actor?.ip ?? input.origin?.ip ?? null}, ${actor?.userAgent ?? input.origin?.userAgent ?? null})`;
}
