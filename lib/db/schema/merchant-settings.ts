import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
  merchantKeyFingerprint: text('merchant_key_fingerprint'),
  alipayKeyFingerprint: text('alipay_key_fingerprint'),
  /** Registration number and registered name at China customs (declare's merchantCustomsInfo). */
  customsMerchantCode: text('customs_merchant_code'),
  customsMerchantName: text('customs_merchant_name'),
  /** Contracted Antom fee in basis points; reconciliation flags report fees that differ (null: sanity checks only). */
  reconFeeRateBps: integer('recon_fee_rate_bps'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type MerchantSettings = typeof merchantSettings.$inferSelect;
