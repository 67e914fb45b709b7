import { eq } from 'drizzle-orm';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { authorizationLinks } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

export const revokeAuthorizationLinkInput = z.object({ linkId: z.uuid() });

/** Stops an open link from being used. Idempotent for an already-revoked link; a used link stays used. */
export async function revokeAuthorizationLink(db: Db, actor: Actor, input: z.output<typeof revokeAuthorizationLinkInput>): Promise<ServiceResult<{ linkId: string }>> {
  assertCan(actor, 'customers.manage');
  return db.transaction(async (tx) => {
    const row = await guardedTransition(tx, authorizationLinks, { id: input.linkId, from: ['OPEN'], to: 'REVOKED', set: { revokedAt: new Date() } });
    if (!row) {
      const [existing] = await tx.select().from(authorizationLinks).where(eq(authorizationLinks.id, input.linkId));
      if (!existing) return fail('not_found', 'No such link.');
      if (existing.status === 'REVOKED') return ok({ linkId: existing.id });
      return fail('link_used', 'This link has already produced an agreement.');
    }
    await recordAudit(tx, actor, { action: 'authorization_link.revoke', objectType: 'authorization_link', objectId: row.id });
    return ok({ linkId: row.id });
  });
}
