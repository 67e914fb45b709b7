import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { mapRow } from '@/lib/db/map-row';
import { merchantSettings, type MerchantSettings } from '@/lib/db/schema';

const DEFAULTS: MerchantSettingsView = {
  id: 1,
  merchantName: 'Daikou demo merchant',
  contractedMethods: [],
  operatorRefundLimits: {},
  operatorChargeLimits: {},
  twoFactorForViewers: false,
  stepUpThresholds: {},
  merchantKeyFingerprint: null,
  alipayKeyFingerprint: null,
  customsMerchantCode: null,
  customsMerchantName: null,
  reconFeeRateBps: null,
  tokenRefreshHaltedAt: null,
  tokenRefreshHaltCode: null,
  tokenRefreshHaltMessage: null,
  resealProgress: null,
  dunningLadderDays: [1, 3, 5, 7],
  dunningAfterLadder: 'PAST_DUE',
  emailReminderEnabled: true,
  emailReminderDays: 3,
  emailReceiptEnabled: true,
  emailFailedEnabled: true,
  timeZone: 'Asia/Shanghai',
};

/** The merchant-wide settings row, or the defaults before an admin has saved any (reading never writes). */
export async function getMerchantSettings(db: Db): Promise<MerchantSettingsView> {
  const [row] = await db.select().from(merchantSettings).where(eq(merchantSettings.id, 1)).limit(1);
  return row ?? DEFAULTS;
}

export type MerchantSettingsView = Omit<MerchantSettings, 'createdAt' | 'updatedAt'>;

/**
 * The settings row read by hand-written SQL as `to_jsonb(merchant_settings)` (null when none is saved yet), decoded
 * by the schema's columns — for hot paths that read the settings in the same statement as something else.
 */
export function merchantSettingsFromJson(raw: Record<string, unknown> | null | undefined): MerchantSettingsView {
  return raw ? mapRow(merchantSettings, raw) : DEFAULTS;
}
