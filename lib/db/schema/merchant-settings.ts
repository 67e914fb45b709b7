import { boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row (id = 1) of merchant-wide settings: contracted wallets, the operator refund limits, key
 * fingerprints shown to admins. Limits are minor-unit strings per currency so they stay exact in JSON.
 */
export const merchantSettings = pgTable('merchant_settings', {
  id: integer('id').primaryKey().default(1),
  merchantName: text('merchant_name').notNull().default('Daikou demo merchant'),
  contractedMethods: text('contracted_methods').array().notNull().default([]),
  operatorRefundLimits: jsonb('operator_refund_limits').$type<Record<string, string>>().notNull().default({}),
  /** Per-currency ceiling (minor units) of one charge by an operator; admins are not limited. */
  operatorChargeLimits: jsonb('operator_charge_limits').$type<Record<string, string>>().notNull().default({}),
  /** Viewers must pass a second factor too (admins and every role that can charge or refund always must). */
  twoFactorForViewers: boolean('two_factor_for_viewers').notNull().default(false),
  /**
   * Per-currency amount (minor units) above which a staff refund or charge asks for a fresh TOTP code
   * (step-up). No entry for a currency: no step-up for it.
   */
  stepUpThresholds: jsonb('step_up_thresholds').$type<Record<string, string>>().notNull().default({}),
  merchantKeyFingerprint: text('merchant_key_fingerprint'),
  alipayKeyFingerprint: text('alipay_key_fingerprint'),
  /** Registration number and registered name at China customs (declare's merchantCustomsInfo). */
  customsMerchantCode: text('customs_merchant_code'),
  customsMerchantName: text('customs_merchant_name'),
  /** Contracted Antom fee in basis points; reconciliation flags report fees that differ (null: sanity checks only). */
  reconFeeRateBps: integer('recon_fee_rate_bps'),
  /**
   * Token refreshes stopped for every agreement: Antom refused one with a merchant-side configuration code
   * (ACCESS_DENIED, KEY_NOT_FOUND …), which says nothing about the buyer's grant. One alert (Overview,
   * Developers) until an admin resumes; agreements stay ACTIVE.
   */
  tokenRefreshHaltedAt: timestamp('token_refresh_halted_at', { withTimezone: true }),
  tokenRefreshHaltCode: text('token_refresh_halt_code'),
  tokenRefreshHaltMessage: text('token_refresh_halt_message'),
  /** Progress of the last re-seal run (key rotation of data at rest). */
  resealProgress: jsonb('reseal_progress').$type<{ startedAt: string; finishedAt: string | null; targetVersion: number; done: number; remaining: number; failed: number }>(),
  /** Billing schedules: days after a period's due date on which a soft decline is retried (lib/schedules/dunning.ts). */
  dunningLadderDays: integer('dunning_ladder_days').array().notNull().default([1, 3, 5, 7]),
  /** What a schedule becomes when a period's ladder runs out: PAST_DUE (keeps billing) or UNPAID (stops). */
  dunningAfterLadder: text('dunning_after_ladder').notNull().default('PAST_DUE'),
  /** Buyer emails about billing schedules (lib/schedules/schedule-emails.ts): each kind can be turned off. */
  emailReminderEnabled: boolean('email_reminder_enabled').notNull().default(true),
  /** Days before a period's due date that the upcoming-charge reminder goes out. */
  emailReminderDays: integer('email_reminder_days').notNull().default(3),
  emailReceiptEnabled: boolean('email_receipt_enabled').notNull().default(true),
  emailFailedEnabled: boolean('email_failed_enabled').notNull().default(true),
  /** IANA zone of the merchant's day for every date in the dashboard (default: Antom's GMT+8 report day). */
  timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type MerchantSettings = typeof merchantSettings.$inferSelect;
