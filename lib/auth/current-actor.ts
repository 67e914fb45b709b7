import { getServerSession } from 'next-auth';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/lib/db';
import { validateStaffSession } from '@/lib/staff/validate-staff-session';
import type { Actor } from './actor';
import { clientIp } from './client-ip';
import { authOptions } from './next-auth-options';
import { can, type Permission } from './permissions';

/**
 * The signed-in staff member for this request, or null. A cookie that fails next-auth's decryption
 * (tampered, wrong secret) yields no session at all; a valid cookie whose server-side session has ended
 * yields null as well. Cached per request.
 */
export const getCurrentActor = cache(async (): Promise<Actor | null> => {
  const session = await getServerSession(authOptions());
  if (!session?.sid) return null;
  const h = await headers();
  return validateStaffSession(await getDb(), session.sid, {
    ip: clientIp((name) => h.get(name)),
    userAgent: h.get('user-agent'),
  });
});

/** For pages: the actor, or a redirect to sign-in (no session) or to the forbidden page (missing permission). */
export async function requireStaff(permission: Permission = 'dashboard.read'): Promise<Actor> {
  const actor = await getCurrentActor();
  if (!actor) redirect('/sign-in');
  if (!can(actor.role, permission)) redirect('/dashboard/forbidden');
  return actor;
}
