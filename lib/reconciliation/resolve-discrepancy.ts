import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { guardedTransition } from '@/lib/db/guarded-transition';
import { reconDiscrepancies } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

export const resolveDiscrepancyInput = z.object({
  discrepancyId: z.uuid(),
  note: z.string().trim().min(3, 'Say how it was settled (at least 3 characters)').max(1000, 'At most 1000 characters'),
});

/** Closes one open discrepancy with a note; audited in the same transaction. A second close is refused. */
export async function resolveDiscrepancy(db: Db, actor: Actor, input: z.output<typeof resolveDiscrepancyInput>): Promise<ServiceResult<{ discrepancyId: string }>> {
  assertCan(actor, 'reconciliation.manage');
  return db.transaction(async (tx) => {
    const row = await guardedTransition(tx, reconDiscrepancies, {
      id: input.discrepancyId,
      from: ['OPEN'],
      to: 'RESOLVED',
      set: { resolutionNote: input.note, resolvedBy: actor.userId, resolvedAt: new Date() },
    });
    if (!row) {
      const [existing] = await tx.select({ status: reconDiscrepancies.status }).from(reconDiscrepancies).where(eq(reconDiscrepancies.id, input.discrepancyId));
      return existing ? fail('already_resolved', 'Someone already resolved this difference.') : fail('not_found', 'No such difference.');
    }
    await recordAudit(tx, actor, {
      action: 'reconciliation.resolve',
      objectType: 'recon_discrepancy',
      objectId: row.id,
      before: { status: 'OPEN', kind: row.kind, reportDate: row.reportDate },
      after: { status: 'RESOLVED', note: input.note },
    });
    return ok({ discrepancyId: row.id });
  });
}
