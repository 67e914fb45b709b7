import { getServerSession } from 'next-auth';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/lib/db';
import { resolveStaffSession } from '@/lib/staff/validate-staff-session';
import type { Actor } from './actor';
import { clientIp } from './client-ip';
import { authOptions } from './next-auth-options';
import { can, type Permission } from './permissions';

/**
 * The live session for this request with where it stands on the second factor, or null. A cookie that fails
 * next-auth's decryption (tampered, wrong secret) yields no session at all; a valid cookie whose server-side
 * session has ended yields null as well. Cached per request. Only the two-factor pages use it directly.
 */
export const getStaffSession = cache(async (): Promise<Awaited<ReturnType<typeof resolveStaffSession>>> => {
  const session = await getServerSession(authOptions());
  if (!session?.sid) return null;
  const h = await headers();
  return resolveStaffSession(await getDb(), session.sid, {
    ip: clientIp((name) => h.get(name)),
    userAgent: h.get('user-agent'),
  });
});

/**
 * The signed-in staff member for this request, or null — also null while a session still owes its second
 * factor (PCI DSS 8.4.2): every page, action, route and export gets its actor here, so a session that has not
 * passed it can neither read nor move money.
 */
export const getCurrentActor = cache(async (): Promise<Actor | null> => {
  const resolved = await getStaffSession();
  return resolved?.secondFactor === 'ok' ? resolved.actor : null;
});

/**
 * For pages: the actor, or a redirect to sign-in (no session), to the second-factor step (a session that owes
 * it) or to the forbidden page (missing permission).
 */
export async function requireStaff(permission: Permission = 'dashboard.read'): Promise<Actor> {
  const resolved = await getStaffSession();
  if (resolved && resolved.secondFactor !== 'ok') redirect('/sign-in/two-factor');
  const actor = resolved?.actor;
  if (!actor) redirect('/sign-in');
  if (!can(actor.role, permission)) redirect('/dashboard/forbidden');
  return actor;
}
