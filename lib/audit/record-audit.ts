import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
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
  await tx.insert(auditLog).values({
    ...(input.at ? { createdAt: input.at } : {}),
    actorId: actor?.userId ?? null,
    actorEmail: actor?.email ?? null,
    actorRole: actor?.role ?? null,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId ?? null,
    before: toJson(input.before),
    after: toJson(input.after),
    ip: actor?.ip ?? input.origin?.ip ?? null,
    userAgent: actor?.userAgent ?? input.origin?.userAgent ?? null,
  });
}

function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}
