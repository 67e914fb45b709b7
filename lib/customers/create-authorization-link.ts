import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { authorizationLinks, customers, type AuthorizationLink } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

export const createAuthorizationLinkInput = z.object({
  customerId: z.uuid(),
  expiresInHours: z.coerce.number().int().min(1).max(24 * 30).default(72),
});

/**
 * Creates a buyer authorization link: a 192-bit random token in the URL is the buyer's only credential.
 * The link works until it expires, is revoked, or an agreement results from it.
 */
export async function createAuthorizationLink(
  db: Db,
  actor: Actor,
  input: z.output<typeof createAuthorizationLinkInput>,
  now = new Date(),
): Promise<ServiceResult<AuthorizationLink>> {
  assertCan(actor, 'customers.manage');
  return db.transaction(async (tx) => {
    const [customer] = await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, input.customerId));
    if (!customer) return fail('not_found', 'No such customer.');
    const [link] = await tx
      .insert(authorizationLinks)
      .values({
        token: randomBytes(24).toString('base64url'),
        customerId: customer.id,
        expiresAt: new Date(now.getTime() + input.expiresInHours * 3600_000),
        createdBy: actor.userId,
      })
      .returning();
    await recordAudit(tx, actor, { action: 'authorization_link.create', objectType: 'authorization_link', objectId: link!.id, after: { customerId: customer.id, expiresAt: link!.expiresAt } });
    return ok(link!);
  });
}
