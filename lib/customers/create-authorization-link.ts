import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { authorizationLinks, customers, type AuthorizationLink, type LinkPlan } from '@/lib/db/schema';
import { checkLinkPlan, type PlanInput } from '@/lib/schedules/link-plan';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

export const createAuthorizationLinkInput = z.object({
  customerId: z.uuid(),
  expiresInHours: z.coerce.number().int().min(1).max(24 * 30).default(72),
});

export type CreateLinkInput = z.output<typeof createAuthorizationLinkInput> & {
  /** A billing plan the buyer sees before agreeing; the schedule is made from it when they agree. */
  plan?: PlanInput | null;
};

/**
 * Creates a buyer authorization link: a 192-bit random token in the URL is the buyer's only credential.
 * The link works until it expires, is revoked, or an agreement results from it. With a plan (checked here: a
 * bad plan makes no link) the buyer sees it before agreeing, and agreeing makes its schedule.
 */
export async function createAuthorizationLink(
  db: Db,
  actor: Actor,
  input: CreateLinkInput,
  now = new Date(),
): Promise<ServiceResult<AuthorizationLink>> {
  assertCan(actor, 'customers.manage');
  let plan: LinkPlan | null = null;
  if (input.plan) {
    const checked = checkLinkPlan(input.plan, now);
    if (!checked.ok) return checked;
    plan = checked.data;
  }
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
        plan,
      })
      .returning();
    await recordAudit(tx, actor, { action: 'authorization_link.create', objectType: 'authorization_link', objectId: link!.id, after: { customerId: customer.id, expiresAt: link!.expiresAt, plan } });
    return ok(link!);
  });
}
