import type { StaffUser } from '@/lib/db/schema';

/** The fields of a staff user that may leave the service layer (no hash, no counters). */
export type PublicStaffUser = Pick<StaffUser, 'id' | 'email' | 'name' | 'role' | 'disabledAt' | 'lockedUntil' | 'createdAt'>;

export function toPublicStaffUser(user: StaffUser): PublicStaffUser {
  const { id, email, name, role, disabledAt, lockedUntil, createdAt } = user;
  return { id, email, name, role, disabledAt, lockedUntil, createdAt };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
