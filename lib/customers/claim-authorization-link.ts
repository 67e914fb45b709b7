import { and, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { authorizationLinks } from '@/lib/db/schema';

/**
 * Marks an OPEN authorization link USED, inside the caller's transaction (the agreements domain calls it when
 * an authorization activates). Guarded: returns false when the link was already used or revoked.
 */
export async function claimAuthorizationLink(tx: Db, linkId: string, at: Date): Promise<boolean> {
  const [row] = await tx
    .update(authorizationLinks)
    .set({ status: 'USED', usedAt: at })
    .where(and(eq(authorizationLinks.id, linkId), eq(authorizationLinks.status, 'OPEN')))
    .returning({ id: authorizationLinks.id });
  return row !== undefined;
}
