import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { merchantSettings } from '@/lib/db/schema';
import { CURRENCY_CODES } from '@/lib/money';
import { ok, type ServiceResult } from '@/lib/service-result';
import { getMerchantSettings } from './get-merchant-settings';

/** Step-up thresholds as typed: one `CUR=minor units` per line (empty clears them all). */
export const updateTwoFactorSettingsInput = z
  .object({
    twoFactorForViewers: z.union([z.literal('true'), z.literal('false'), z.literal('on'), z.boolean()]).optional(),
    stepUpThresholds: z.string().max(2000).default(''),
  })
  .transform((input, ctx) => {
    const thresholds: Record<string, string> = {};
    for (const [index, line] of input.stepUpThresholds.split(/\r?\n/).entries()) {
      const trimmed = line.trim();
      if (!trimmed) continue;
      const match = /^([A-Za-z]{3})\s*=\s*(\d{1,16})$/.exec(trimmed);
      const currency = match?.[1]?.toUpperCase();
      if (!match || !currency || !(CURRENCY_CODES as readonly string[]).includes(currency) || currency in thresholds) {
        ctx.addIssue({ code: 'custom', path: ['stepUpThresholds'], message: `Line ${index + 1}: write a supported CURRENCY=minor units once, e.g. PHP=500000.` });
        continue;
      }
      thresholds[currency] = BigInt(match[2]!).toString();
    }
    const viewers = input.twoFactorForViewers === true || input.twoFactorForViewers === 'true' || input.twoFactorForViewers === 'on';
    return { twoFactorForViewers: viewers, stepUpThresholds: thresholds };
  });

/** Admins: whether viewers need a second factor too, and the per-currency step-up thresholds. Audited. */
export async function updateTwoFactorSettings(
  db: Db,
  actor: Actor,
  input: z.output<typeof updateTwoFactorSettingsInput>,
): Promise<ServiceResult<{ saved: true }>> {
  assertCan(actor, 'settings.manage');
  return db.transaction(async (tx) => {
    const before = await getMerchantSettings(tx);
    const values = { twoFactorForViewers: input.twoFactorForViewers, stepUpThresholds: input.stepUpThresholds, updatedAt: new Date() };
    await tx.insert(merchantSettings).values({ id: 1, ...values }).onConflictDoUpdate({ target: merchantSettings.id, set: values });
    await recordAudit(tx, actor, {
      action: 'merchant_settings.two_factor',
      objectType: 'merchant_settings',
      objectId: '1',
      before: { twoFactorForViewers: before.twoFactorForViewers, stepUpThresholds: before.stepUpThresholds },
      after: { twoFactorForViewers: input.twoFactorForViewers, stepUpThresholds: input.stepUpThresholds },
    });
    return ok({ saved: true });
  });
}
