import type { StaffRole } from '@/lib/db/schema';

/** Who is acting, as every service sees it: taken from a validated server-side session, never from input. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  role: StaffRole;
  sessionId: string;
  ip: string | null;
  userAgent: string | null;
}
