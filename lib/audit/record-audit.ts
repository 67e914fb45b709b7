import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { sql, type SQL } from 'drizzle-orm';
import { columnTuple } from '@/lib/db/column-tuple';
import { executePrepared } from '@/lib/db/execute-prepared';
import { auditLog } from '@/lib/db/schema';

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

const AUDIT_ROW = columnTuple(auditLog, ['createdAt', 'actorId', 'actorEmail', 'actorRole', 'action', 'objectType', 'objectId', 'before', 'after', 'ip', 'userAgent'], {
  nullMeans: { createdAt: 'now()' },
});

/** The columns auditValues fills, in its order (for statements that add an audit row to a larger statement). */
export const AUDIT_COLUMNS = AUDIT_ROW.columns;

/** One audit row as a parenthesised VALUES tuple in AUDIT_COLUMNS order. */
export function auditValues(actor: Pick<Actor, 'userId' | 'email' | 'role' | 'ip' | 'userAgent'> | null, input: AuditInput): SQL {
  return AUDIT_ROW.tuple({
    createdAt: input.at ?? null,
    actorId: actor?.userId ?? null,
    actorEmail: actor?.email ?? null,
    actorRole: actor?.role ?? null,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    ip: actor?.ip ?? input.origin?.ip ?? null,
    userAgent: actor?.userAgent ?? input.origin?.userAgent ?? null,
  });
}
