import { asc } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { staffUsers } from '@/lib/db/schema';

/** Staff names and emails for the lists' "initiated by" filter: readable by every role (no roles, no lock state). */
export async function listStaffOptions(db: Db, actor: Pick<Actor, 'role'>): Promise<{ id: string; name: string; email: string }[]> {
  assertCan(actor, 'dashboard.read');
  return db.select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email }).from(staffUsers).orderBy(asc(staffUsers.email)).limit(500);
}
