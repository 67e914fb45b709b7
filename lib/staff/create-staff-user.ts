import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { displayName } from '@/lib/text/display-name';
import type { Actor } from '@/lib/auth/actor';
import { hashPassword } from '@/lib/auth/password';
import { checkPasswordStrength } from '@/lib/auth/password-policy';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { staffUsers } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { normaliseEmail, toPublicStaffUser, type PublicStaffUser } from './public-staff-user';

export const createStaffUserInput = z.object({
  email: z.email('Enter a valid email address').transform(normaliseEmail),
  name: displayName('Enter a name'),
  role: z.enum(['admin', 'operator', 'viewer']),
  password: z.string(),
}).superRefine((value, ctx) => {
  const check = checkPasswordStrength(value.password, [value.email, value.name]);
  if (!check.ok) ctx.addIssue({ code: 'custom', path: ['password'], message: check.message });
});
export type CreateStaffUserInput = z.infer<typeof createStaffUserInput>;

/** Adds a staff member (admins only). Fails with `email_taken` rather than overwriting an existing user. */
export async function createStaffUser(db: Db, actor: Actor, input: CreateStaffUserInput): Promise<ServiceResult<PublicStaffUser>> {
  assertCan(actor, 'users.manage');
  const { merchantName } = await getMerchantSettings(db);
  const strength = checkPasswordStrength(input.password, [input.email, input.name, merchantName]);
  if (!strength.ok) return fail('weak_password', strength.message, { password: [strength.message] });
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(staffUsers)
      .values({ email: input.email, name: input.name, role: input.role, passwordHash })
      .onConflictDoNothing({ target: staffUsers.email })
      .returning();
    if (!created) return fail('email_taken', 'A staff member with this email already exists.', { email: ['Already in use'] });
    const user = toPublicStaffUser(created);
    await recordAudit(tx, actor, { action: 'staff_user.create', objectType: 'staff_user', objectId: created.id, after: { email: user.email, name: user.name, role: user.role } });
    return ok(user);
  });
}

/** Used by the first-start seed, which has no actor. */
export async function findStaffUserByEmail(db: Db, email: string) {
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.email, normaliseEmail(email))).limit(1);
  return user ?? null;
}
