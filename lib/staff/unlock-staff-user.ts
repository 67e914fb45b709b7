import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { staffUsers } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

export const unlockStaffUserInput = z.object({ userId: z.uuid() });

/** Lifts a sign-in lock and throttle at once (admins only), e.g. after someone locked an account on purpose. */
export async function unlockStaffUser(db: Db, actor: Actor, input: z.infer<typeof unlockStaffUserInput>): Promise<ServiceResult<{ userId: string }>> {
  assertCan(actor, 'users.manage');
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ id: staffUsers.id, lockedUntil: staffUsers.lockedUntil, failedAttempts: staffUsers.failedAttempts }).from(staffUsers).where(eq(staffUsers.id, input.userId));
    if (!before) return fail('not_found', 'No such staff member.');
    await tx.update(staffUsers).set({ failedAttempts: 0, lockedUntil: null, nextAttemptAt: null, updatedAt: new Date() }).where(eq(staffUsers.id, input.userId));
    await recordAudit(tx, actor, { action: 'staff_user.unlock', objectType: 'staff_user', objectId: input.userId, before: { lockedUntil: before.lockedUntil, failedAttempts: before.failedAttempts }, after: { lockedUntil: null, failedAttempts: 0 } });
    return ok({ userId: input.userId });
  });
}
