import { z } from 'zod';
import { displayName } from '@/lib/text/display-name';
import { PAYMENT_METHOD_CODES } from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { merchantSettings } from '@/lib/db/schema';
import { ok, type ServiceResult } from '@/lib/service-result';
import { getMerchantSettings } from './get-merchant-settings';

const methodCode = z.enum(PAYMENT_METHOD_CODES as unknown as [string, ...string[]]);

export const updateMerchantSettingsInput = z.object({
  merchantName: displayName('Enter the name buyers will see').optional(),
  contractedMethods: z
    .union([methodCode, z.array(methodCode)])
    .transform((v) => [...new Set(Array.isArray(v) ? v : [v])])
    .optional(),
  /** Minor-unit strings per currency, e.g. { PHP: "500000" }. */
  operatorRefundLimits: z.record(z.string().regex(/^[A-Z]{3}$/), z.string().regex(/^\d{1,16}$/, 'Use whole minor units')).optional(),
  /** Same shape: the largest single charge an operator may take per currency. */
  operatorChargeLimits: z.record(z.string().regex(/^[A-Z]{3}$/), z.string().regex(/^\d{1,16}$/, 'Use whole minor units')).optional(),
  /** China customs registration (declare's merchantCustomsInfo). */
  customsMerchantCode: z.string().trim().min(1, 'Enter the registration number at customs').max(128).optional(),
  customsMerchantName: z.string().trim().min(1, 'Enter the name registered at customs').max(256).optional(),
  /** Contracted Antom fee in basis points (reconciliation checks report fees against it). */
  reconFeeRateBps: z.coerce.number().int('Use whole basis points').min(0).max(10_000).optional(),
});

/** Saves merchant-wide settings (admins only); creates the single row on first save. Audited. */
export async function updateMerchantSettings(
  db: Db,
  actor: Actor,
  input: z.output<typeof updateMerchantSettingsInput>,
): Promise<ServiceResult<{ saved: true }>> {
  assertCan(actor, 'settings.manage');
  return db.transaction(async (tx) => {
    const before = await getMerchantSettings(tx);
    const values = {
      merchantName: input.merchantName ?? before.merchantName,
      contractedMethods: input.contractedMethods ?? before.contractedMethods,
      operatorRefundLimits: input.operatorRefundLimits ?? before.operatorRefundLimits,
      operatorChargeLimits: input.operatorChargeLimits ?? before.operatorChargeLimits,
      customsMerchantCode: input.customsMerchantCode ?? before.customsMerchantCode,
      customsMerchantName: input.customsMerchantName ?? before.customsMerchantName,
      reconFeeRateBps: input.reconFeeRateBps ?? before.reconFeeRateBps,
      updatedAt: new Date(),
    };
    await tx.insert(merchantSettings).values({ id: 1, ...values }).onConflictDoUpdate({ target: merchantSettings.id, set: values });
    await recordAudit(tx, actor, {
      action: 'merchant_settings.update',
      objectType: 'merchant_settings',
      objectId: '1',
      before: {
        merchantName: before.merchantName,
        contractedMethods: before.contractedMethods,
        operatorRefundLimits: before.operatorRefundLimits,
        operatorChargeLimits: before.operatorChargeLimits,
        customsMerchantCode: before.customsMerchantCode,
        customsMerchantName: before.customsMerchantName,
        reconFeeRateBps: before.reconFeeRateBps,
      },
      after: {
        merchantName: values.merchantName,
        contractedMethods: values.contractedMethods,
        operatorRefundLimits: values.operatorRefundLimits,
        operatorChargeLimits: values.operatorChargeLimits,
        customsMerchantCode: values.customsMerchantCode,
        customsMerchantName: values.customsMerchantName,
        reconFeeRateBps: values.reconFeeRateBps,
      },
    });
    return ok({ saved: true as const });
  });
}
