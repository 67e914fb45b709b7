import { sql } from 'drizzle-orm';
import { checkPaymentMethodAmount, getPaymentMethod, isPaymentMethodCode, type PaymentMethod } from '@/lib/alipay';
import { agreementTokenAad, type TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { executePrepared } from '@/lib/db/execute-prepared';
import { isUuid } from '@/lib/db/is-uuid';
import { mapRow } from '@/lib/db/map-row';
import { rowsOf } from '@/lib/db/rows-of';
import { agreements, type Agreement } from '@/lib/db/schema';
import { formatAmount, isCurrencyCode, type CurrencyCode } from '@/lib/money';
import { merchantSettingsFromJson, type MerchantSettingsView } from '@/lib/settings/get-merchant-settings';

export type ChargeableProblem =
  | 'agreement_not_found'
  | 'agreement_not_active'
  | 'token_expired'
  | 'wallet_not_supported'
  | 'currency_mismatch'
  | 'amount_invalid';

export type Chargeable =
  | { ok: true; agreement: Agreement; method: PaymentMethod; currency: CurrencyCode; accessToken: string; settings: MerchantSettingsView }
  | { ok: false; code: ChargeableProblem; error: string };

const NOT_ACTIVE: Record<string, string> = {
  PENDING: 'The buyer has not finished authorizing this wallet yet.',
  APPLYING: 'The buyer has not finished authorizing this wallet yet.',
  DECLINED: 'The buyer declined the authorization; there is nothing to charge.',
  FAILED: 'This authorization failed; ask the buyer to authorize again.',
  EXPIRED: 'This authorization attempt expired; ask the buyer to authorize again.',
  REVOKED: 'This agreement was revoked; ask the buyer to authorize again.',
  INVALID: 'The wallet no longer accepts this agreement; ask the buyer to authorize again.',
};

/**
 * Everything a charge must satisfy before any row is written or any call made: the agreement is ACTIVE, its
 * token is unexpired, the wallet is in the catalog, the currency is the wallet's, and the amount follows the
 * wallet's minimum, maximum and multiple-of rules (lib/alipay catalog over lib/money). Each refusal says why.
 * The merchant settings a charge needs (name, operator limits) come back with it, read in the same statement:
 * this runs before every charge, so it is one prepared round trip.
 */
export async function checkChargeable(
  db: Db,
  vault: TokenVault,
  input: { agreementId: string; amountMinor: bigint; currency?: string | null; now: Date },
): Promise<Chargeable> {
  if (!isUuid(input.agreementId)) return { ok: false, code: 'agreement_not_found', error: 'No such agreement.' };
  const [raw] = rowsOf<Record<string, unknown>>(
    await executePrepared(db, sql`
      select a.*, to_jsonb(s) as merchant_settings_row
      from agreements a left join merchant_settings s on s.id = 1
      where a.id = ${input.agreementId}::uuid`),
  );
  if (!raw) return { ok: false, code: 'agreement_not_found', error: 'No such agreement.' };
  const agreement = mapRow(agreements, raw);
  if (agreement.status !== 'ACTIVE') {
    const why = agreement.status === 'INVALID' && agreement.failureMessage ? ` (${agreement.failureMessage})` : '';
    return { ok: false, code: 'agreement_not_active', error: (NOT_ACTIVE[agreement.status] ?? 'This agreement cannot be charged.') + why };
  }
  if (!agreement.accessTokenCiphertext || !agreement.accessTokenExpiresAt || agreement.accessTokenExpiresAt <= input.now) {
    return { ok: false, code: 'token_expired', error: "The wallet's permission has expired; it must be renewed or the buyer must authorize again." };
  }
  const method = isPaymentMethodCode(agreement.paymentMethod) ? getPaymentMethod(agreement.paymentMethod) : undefined;
  if (!method || !isCurrencyCode(method.currency)) return { ok: false, code: 'wallet_not_supported', error: `${agreement.paymentMethod} is not a wallet Daikou can charge.` };
  const currency = method.currency as CurrencyCode;
  if (input.currency && input.currency !== currency) {
    return { ok: false, code: 'currency_mismatch', error: `${method.nameEn} charges in ${currency} only, not ${input.currency}.` };
  }
  if (input.amountMinor <= 0n) return { ok: false, code: 'amount_invalid', error: 'Enter an amount above zero.' };
  const issues = checkPaymentMethodAmount(method.code, input.amountMinor, currency);
  if (issues.length > 0) {
    return { ok: false, code: 'amount_invalid', error: `${formatAmount(input.amountMinor, currency)}: ${issues.map((i) => i.message).join(' ')}` };
  }
  const accessToken = vault.open(agreement.accessTokenCiphertext, agreementTokenAad(agreement.id, 'access_token', agreement.tokenKeyVersion ?? 1));
  return { ok: true, agreement, method, currency, accessToken, settings: merchantSettingsFromJson(raw.merchant_settings_row as Record<string, unknown> | null) };
}
