import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { authorizationLinks } from '@/lib/db/schema';

export interface AuthorizationLinkListItem {
  id: string;
  status: 'OPEN' | 'USED' | 'REVOKED';
  /** The URL token, only while the link is OPEN (a used or revoked link's token is of no use to staff). */
  token: string | null;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** A customer's authorization links, newest first (at most `limit`, default 50). */
export async function listAuthorizationLinks(db: Db, customerId: string, options: { limit?: number } = {}): Promise<AuthorizationLinkListItem[]> {
  return db
    .select({
      id: authorizationLinks.id,
      status: authorizationLinks.status,
      token: sql<string | null>`case when ${authorizationLinks.status} = 'OPEN' then ${authorizationLinks.token} end`,
      expiresAt: authorizationLinks.expiresAt,
      usedAt: authorizationLinks.usedAt,
      revokedAt: authorizationLinks.revokedAt,
      createdAt: authorizationLinks.createdAt,
    })
    .from(authorizationLinks)
    .where(eq(authorizationLinks.customerId, customerId))
    .orderBy(desc(authorizationLinks.createdAt), desc(authorizationLinks.id))
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 200));
}
