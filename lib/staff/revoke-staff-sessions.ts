import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { staffSessions } from '@/lib/db/schema';
import { ok, type ServiceResult } from '@/lib/service-result';

export const revokeStaffSessionsInput = z.object({ userId: z.uuid() });

/** Signs a staff member out everywhere (admins only). Returns how many live sessions were ended. */
export async function revokeStaffSessions(
  db: Db,
  actor: Actor,
  input: z.infer<typeof revokeStaffSessionsInput>,
): Promise<ServiceResult<{ revoked: number }>> {
  assertCan(actor, 'sessions.revoke');
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(staffSessions)
      .set({ revokedAt: new Date(), revokedReason: 'revoked_by_admin' })
      .where(and(eq(staffSessions.userId, input.userId), isNull(staffSessions.revokedAt)))
      .returning({ id: staffSessions.id });
    await recordAudit(tx, actor, { action: 'staff_session.revoke_all', objectType: 'staff_user', objectId: input.userId, after: { revoked: rows.length } });
    return ok({ revoked: rows.length });
  });
}
