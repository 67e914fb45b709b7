import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { hashPassword } from '@/lib/auth/password';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { staffUsers } from '@/lib/db/schema';
import { normaliseEmail } from './public-staff-user';

export type SeedResult =
  | { created: false }
  | { created: true; email: string; generatedPassword: string | null };

/**
 * On first start (no staff user at all) creates one admin from ADMIN_EMAIL / ADMIN_PASSWORD, or with a
 * generated password that the caller prints once. Does nothing when any staff user exists, so it is safe
 * to run on every start and from several processes.
 */
export async function seedFirstAdmin(db: Db, options: { email?: string; password?: string }): Promise<SeedResult> {
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(staffUsers);
  if (existing && existing.n > 0) return { created: false };
  const email = normaliseEmail(options.email ?? 'admin@daikou.local');
  const generatedPassword = options.password ? null : randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(options.password ?? generatedPassword!);
  const inserted = await db.transaction(async (tx) => {
    const rows = await tx
      .insert(staffUsers)
      .values({ email, name: 'Administrator', role: 'admin', passwordHash })
      .onConflictDoNothing({ target: staffUsers.email })
      .returning({ id: staffUsers.id });
    const row = rows[0];
    if (row) await recordAudit(tx, null, { action: 'staff_user.seed_admin', objectType: 'staff_user', objectId: row.id, after: { email } });
    return row;
  });
  if (!inserted) return { created: false };
  return { created: true, email, generatedPassword };
}
