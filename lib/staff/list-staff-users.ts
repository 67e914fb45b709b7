import { and, asc, gt, isNull, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { staffSessions, staffUsers } from '@/lib/db/schema';
import { toPublicStaffUser, type PublicStaffUser } from './public-staff-user';

export type StaffUserRow = PublicStaffUser & { activeSessions: number };

/** Every staff member with their count of live sessions (admins only). */
export async function listStaffUsers(db: Db, actor: Actor): Promise<StaffUserRow[]> {
  assertCan(actor, 'users.manage');
  const users = await db.select().from(staffUsers).orderBy(asc(staffUsers.email));
  const counts = await db
    .select({ userId: staffSessions.userId, n: sql<number>`count(*)::int` })
    .from(staffSessions)
    .where(and(isNull(staffSessions.revokedAt), gt(staffSessions.expiresAt, new Date())))
    .groupBy(staffSessions.userId);
  const byUser = new Map(counts.map((c) => [c.userId, c.n]));
  return users.map((u) => ({ ...toPublicStaffUser(u), activeSessions: byUser.get(u.id) ?? 0 }));
}
