import type { LinkPlan } from '@/lib/db/schema';
import { desc, eq, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { assertCan, can } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { authorizationLinks } from '@/lib/db/schema';

export interface AuthorizationLinkListItem {
  id: string;
  status: 'OPEN' | 'USED' | 'REVOKED';
  /**
   * The URL token, only while the link is OPEN (a used or revoked link's token is of no use to staff) and
   * only for roles that may manage customers: an open link is a bearer credential, so viewers never get it.
   */
  token: string | null;
  /** The billing plan the buyer sees before agreeing, if any. */
  plan: LinkPlan | null;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** A customer's authorization links, newest first (at most `limit`, default 50); tokens per the note above. */
export async function listAuthorizationLinks(db: Db, actor: Pick<Actor, 'role'>, customerId: string, options: { limit?: number } = {}): Promise<AuthorizationLinkListItem[]> {
  assertCan(actor, 'dashboard.read');
  const showTokens = can(actor.role, 'customers.manage');
  return db
    .select({
      id: authorizationLinks.id,
      status: authorizationLinks.status,
      token: showTokens ? sql<string | null>`case when ${authorizationLinks.status} = 'OPEN' then ${authorizationLinks.token} end` : sql<string | null>`null`,
      expiresAt: authorizationLinks.expiresAt,
      usedAt: authorizationLinks.usedAt,
      revokedAt: authorizationLinks.revokedAt,
      createdAt: authorizationLinks.createdAt,
      plan: authorizationLinks.plan,
    })
    .from(authorizationLinks)
    .where(eq(authorizationLinks.customerId, customerId))
    .orderBy(desc(authorizationLinks.createdAt), desc(authorizationLinks.id))
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 200));
}
