import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { merchantSettings, type MerchantSettings } from '@/lib/db/schema';

const DEFAULTS: Omit<MerchantSettings, 'createdAt' | 'updatedAt'> = {
  id: 1,
  merchantName: 'Daikou demo merchant',
  contractedMethods: [],
  operatorRefundLimits: {},
  operatorChargeLimits: {},
  merchantKeyFingerprint: null,
  alipayKeyFingerprint: null,
  customsMerchantCode: null,
  customsMerchantName: null,
  reconFeeRateBps: null,
};

/** The merchant-wide settings row, or the defaults before an admin has saved any (reading never writes). */
export async function getMerchantSettings(db: Db): Promise<Omit<MerchantSettings, 'createdAt' | 'updatedAt'>> {
  const [row] = await db.select().from(merchantSettings).where(eq(merchantSettings.id, 1)).limit(1);
  return row ?? DEFAULTS;
}
