import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { authorizationLinks } from '@/lib/db/schema';

export type ClaimLinkResult = { ok: true } | { ok: false; problem: 'link_used' | 'link_revoked' | 'link_unknown' };

/**
 * One link, one agreement: moves the link OPEN → USED inside the caller's activation transaction, so the
 * first activation wins and every later one (a second tab, a second browser, a revoke that landed while
 * the buyer was at the wallet) sees exactly why it lost and must not activate. Takes a transaction.
 */
export async function claimAuthorizationLink(tx: Db, linkId: string, now: Date): Promise<ClaimLinkResult> {
  const claimed = await guardedTransition(tx, authorizationLinks, { id: linkId, from: ['OPEN'], to: 'USED', set: { usedAt: now } });
  if (claimed) return { ok: true };
  const [link] = await tx.select({ status: authorizationLinks.status }).from(authorizationLinks).where(eq(authorizationLinks.id, linkId));
  if (!link) return { ok: false, problem: 'link_unknown' };
  return { ok: false, problem: link.status === 'REVOKED' ? 'link_revoked' : 'link_used' };
}
