import { eq } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { merchantSettings } from '@/lib/db/schema';
import type { ServiceResult } from '@/lib/service-result';
import { dunningSettingsOf, parseLadder, type DunningSettings } from './dunning';

/** The merchant's dunning settings (defaults until an admin saves them). */
export async function getDunningSettings(db: Db): Promise<DunningSettings> {
  const [row] = await db.select({ dunningLadderDays: merchantSettings.dunningLadderDays, dunningAfterLadder: merchantSettings.dunningAfterLadder }).from(merchantSettings).where(eq(merchantSettings.id, 1));
  return dunningSettingsOf(row ?? {});
}

/**
 * Admins set the retry ladder ("1, 3, 5, 7": days after the due date) and what a schedule becomes when a period's
 * ladder runs out (PAST_DUE keeps billing, UNPAID stops). Audited. Periods already started keep the attempt limit
 * they began with.
 */
export async function updateDunningSettings(
  db: Db,
  actor: Actor,
  input: { ladder: string; afterLadder: string },
): Promise<ServiceResult<DunningSettings, 'ladder_invalid' | 'after_ladder_invalid'>> {
  assertCan(actor, 'settings.manage');
  const ladder = parseLadder(input.ladder);
  if (!ladder.ok) return { ok: false, code: 'ladder_invalid', error: ladder.error, fieldErrors: { ladder: [ladder.error] } };
  if (input.afterLadder !== 'PAST_DUE' && input.afterLadder !== 'UNPAID') {
    return { ok: false, code: 'after_ladder_invalid', error: 'Choose past due (keep billing) or unpaid (stop).', fieldErrors: { afterLadder: ['Choose past due or unpaid.'] } };
  }
  const before = await getDunningSettings(db);
  const values = { dunningLadderDays: ladder.days, dunningAfterLadder: input.afterLadder, updatedAt: new Date() };
  await db.transaction(async (tx) => {
    await tx.insert(merchantSettings).values({ id: 1, ...values }).onConflictDoUpdate({ target: merchantSettings.id, set: values });
    await recordAudit(tx, actor, { action: 'settings.dunning', objectType: 'merchant_settings', objectId: '1', before, after: { ladderDays: ladder.days, afterLadder: input.afterLadder } });
  });
  return { ok: true, data: { ladderDays: ladder.days, afterLadder: input.afterLadder } };
}
