import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { staffSessions, staffUsers } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { toPublicStaffUser, type PublicStaffUser } from './public-staff-user';

export const updateStaffUserInput = z.object({
  userId: z.uuid(),
  role: z.enum(['admin', 'operator', 'viewer']).optional(),
  disabled: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .optional(),
});
export type UpdateStaffUserInput = z.infer<typeof updateStaffUserInput>;

/**
 * Changes a staff member's role and/or disables or re-enables them (admins only). Any change revokes the
 * user's open sessions (a privilege change gets a new session). The last active admin cannot be demoted or
 * disabled, and admins cannot disable themselves, so the portal never loses its administrator.
 */
export async function updateStaffUser(db: Db, actor: Actor, input: UpdateStaffUserInput): Promise<ServiceResult<PublicStaffUser>> {
  assertCan(actor, 'users.manage');
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(staffUsers).where(eq(staffUsers.id, input.userId)).for('update');
    if (!before) return fail('not_found', 'No such staff member.');
    const role = input.role ?? before.role;
    const disabledAt = input.disabled === undefined ? before.disabledAt : input.disabled ? (before.disabledAt ?? new Date()) : null;
    if (input.disabled && before.id === actor.userId) return fail('self_disable', 'You cannot disable your own account.');
    const losesAdmin = before.role === 'admin' && before.disabledAt === null && (role !== 'admin' || disabledAt !== null);
    if (losesAdmin) {
      const [others] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(staffUsers)
        .where(and(eq(staffUsers.role, 'admin'), isNull(staffUsers.disabledAt), ne(staffUsers.id, before.id)));
      if (!others || others.n === 0) return fail('last_admin', 'At least one active admin must remain.');
    }
    const [after] = await tx
      .update(staffUsers)
      .set({ role, disabledAt, updatedAt: new Date() })
      .where(eq(staffUsers.id, before.id))
      .returning();
    if (!after) return fail('not_found', 'No such staff member.');
    if (after.role !== before.role || (after.disabledAt === null) !== (before.disabledAt === null)) {
      await tx
        .update(staffSessions)
        .set({ revokedAt: new Date(), revokedReason: 'user_changed' })
        .where(and(eq(staffSessions.userId, before.id), isNull(staffSessions.revokedAt)));
    }
    await recordAudit(tx, actor, {
      action: 'staff_user.update',
      objectType: 'staff_user',
      objectId: before.id,
      before: { role: before.role, disabled: before.disabledAt !== null },
      after: { role: after.role, disabled: after.disabledAt !== null },
    });
    return ok(toPublicStaffUser(after));
  });
}
