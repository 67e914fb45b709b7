/**
 * The wallets the simulator plays, read from lib/alipay's payment-method catalog and reshaped into the
 * facts the simulator's rules need. This is the only file that knows the catalog's shape.
 *
 * Invariant: a wallet code unknown to the catalog is unknown to the simulator (consult/pay answer
 * PARAM_ILLEGAL), so the portal and the simulator can never disagree about which wallets exist.
 */
import { checkPaymentMethodAmount, PAYMENT_METHODS, type PaymentMethod } from '../alipay/catalog';
import type { AmountIssue, CurrencyCode } from '../money';

export interface SimWallet {
  code: string;
  nameEn: string;
  nameLocal: string;
  /** BCP 47 tag of the wallet's language, used for the page's `lang` attribute. */
  locale: string;
  brandColor: string;
  currency: string;
  terminalTypes: readonly string[];
  supportsRefund: boolean;
  partialRefund: boolean;
  /** The catalog has no separate flag; a wallet that refunds partially also allows several refunds. */
  multipleRefunds: boolean;
  refundWindowDays: number;
  notifiesRevocation: boolean;
  requiresRecurringPayment: boolean;
  method: PaymentMethod;
}

/** Refund window when the catalog has none (ams-api.md §10.3: typically 365 days). */
const DEFAULT_REFUND_WINDOW_DAYS = 365;

const WALLETS = new Map<string, SimWallet>(
  PAYMENT_METHODS.map((m) => [
    m.code,
    {
      code: m.code,
      nameEn: m.nameEn,
      nameLocal: m.nameLocal,
      locale: m.locale,
      brandColor: m.brandColor,
      currency: m.currency,
      terminalTypes: m.terminalTypes,
      supportsRefund: m.supportsRefund,
      partialRefund: m.supportsPartialRefund,
      multipleRefunds: m.supportsPartialRefund,
      refundWindowDays: m.refundWindowDays ?? DEFAULT_REFUND_WINDOW_DAYS,
      notifiesRevocation: m.notifiesRevocation,
      requiresRecurringPayment: m.requiresRecurringPayment,
      method: m,
    },
  ]),
);

export function getWallet(code: string): SimWallet | undefined {
  return WALLETS.get(code);
}

export function allWallets(): SimWallet[] {
  return [...WALLETS.values()];
}

/**
 * The catalog's amount rules (minimum, maximum, multiple-of, the currency's own rule) for an amount
 * already known to be in the wallet's currency.
 */
export function walletAmountIssues(wallet: SimWallet, minor: bigint): AmountIssue[] {
  return checkPaymentMethodAmount(wallet.method, minor, wallet.currency as CurrencyCode);
}
