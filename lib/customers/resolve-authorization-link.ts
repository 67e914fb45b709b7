import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { authorizationLinks, customers, type AuthorizationLink, type Customer } from '@/lib/db/schema';

export type LinkProblem = 'unknown' | 'expired' | 'revoked' | 'used';
export type ResolvedLink = { ok: true; link: AuthorizationLink; customer: Customer } | { ok: false; problem: LinkProblem; link?: AuthorizationLink; customer?: Customer };

/**
 * Looks up a buyer link by its token and says whether a new authorization may start from it. A used link
 * still resolves its customer (with `problem: 'used'`) so the buyer can reach self-service.
 */
export async function resolveAuthorizationLink(db: Db, token: string, now = new Date()): Promise<ResolvedLink> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return { ok: false, problem: 'unknown' };
  const [row] = await db
    .select({ link: authorizationLinks, customer: customers })
    .from(authorizationLinks)
    .innerJoin(customers, eq(customers.id, authorizationLinks.customerId))
    .where(eq(authorizationLinks.token, token))
    .limit(1);
  if (!row) return { ok: false, problem: 'unknown' };
  const { link, customer } = row;
  if (link.status === 'REVOKED') return { ok: false, problem: 'revoked', link, customer };
  if (link.status === 'USED') return { ok: false, problem: 'used', link, customer };
  if (link.expiresAt <= now) return { ok: false, problem: 'expired', link, customer };
  return { ok: true, link, customer };
}
