import { eq } from 'drizzle-orm';
import { getPaymentMethod, isPaymentMethodCode } from '@/lib/alipay';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { agreements, customers, payments, type Payment } from '@/lib/db/schema';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { CONFIRM_TOKEN_PURPOSE } from './create-payment-request';

export interface BuyerPayment {
  payment: Payment;
  merchant: string;
  wallet: string;
  login: string | null;
  preferredLanguage: string | null;
  /** The hidden field of the confirm form: binds a POST to this payment's own page (a forged form lacks it). */
  formToken: string;
}

export type BuyerPaymentLookup = { ok: true; data: BuyerPayment } | { ok: false; problem: 'unknown' };

/** What the buyer's /pay/<token> page shows, found by the token's HMAC index (never by the raw token). */
export async function getBuyerPayment(db: Db, vault: TokenVault, token: string): Promise<BuyerPaymentLookup> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return { ok: false, problem: 'unknown' };
  const [row] = await db
    .select({ payment: payments, login: agreements.userLoginIdMasked, preferredLanguage: customers.preferredLanguage })
    .from(payments)
    .innerJoin(agreements, eq(agreements.id, payments.agreementId))
    .innerJoin(customers, eq(customers.id, payments.customerId))
    .where(eq(payments.confirmTokenIndex, vault.index(token, CONFIRM_TOKEN_PURPOSE)))
    .limit(1);
  if (!row) return { ok: false, problem: 'unknown' };
  const settings = await getMerchantSettings(db);
  const method = isPaymentMethodCode(row.payment.paymentMethod) ? getPaymentMethod(row.payment.paymentMethod) : undefined;
  return {
    ok: true,
    data: {
      payment: row.payment,
      merchant: settings.merchantName,
      wallet: method?.nameEn ?? row.payment.paymentMethod,
      login: row.login,
      preferredLanguage: row.preferredLanguage,
      formToken: confirmFormToken(vault, row.payment.id),
    },
  };
}

export function confirmFormToken(vault: TokenVault, paymentId: string): string {
  return vault.index(paymentId, 'paymentConfirmForm');
}
