/**
 * The 16 Auto Debit payment methods of ams-api.md §14, one entry per API code (GrabPay has three
 * codes, so 18 entries). `code` is both `customerBelongsTo` (consult, applyToken) and
 * `paymentMethod.paymentMethodType` (pay).
 *
 * Facts that no readable public source confirmed are listed, by field name, in each entry's
 * `unverified` array — the UI and the simulator can show them as such. `brandColor`, `nameLocal` and
 * `locale` are presentation data for the simulated wallet pages, not protocol facts.
 */
import { checkAmount, type AmountIssue, type CurrencyCode } from '../money';

export type TerminalType = 'WEB' | 'WAP' | 'APP' | 'MINI_APP';

export type PaymentMethodCode =
  | 'ALIPAY_CN'
  | 'ALIPAY_HK'
  | 'BOOST'
  | 'DANA'
  | 'GCASH'
  | 'KAKAOPAY'
  | 'NAVERPAY'
  | 'RABBIT_LINE_PAY'
  | 'TNG'
  | 'TRUEMONEY'
  | 'ZALOPAY'
  | 'GRABPAY_MY'
  | 'GRABPAY_SG'
  | 'GRABPAY_PH'
  | 'MAYA'
  | 'PAYPAY'
  | 'DIRECT_DEBIT_KRUNGTHAIBANK'
  | 'DIRECT_DEBIT_SIAMCOMMERCIALBANK';

export interface PaymentMethod {
  readonly code: PaymentMethodCode;
  /** Row of ams-api.md §14 (1–16); the three GrabPay codes share 12. */
  readonly methodNumber: number;
  readonly kind: 'WALLET' | 'BANK_DIRECT_DEBIT';
  readonly nameEn: string;
  readonly nameLocal: string;
  /** BCP-47 tag of the wallet's own UI language. */
  readonly locale: string;
  /** Hex colour for dressing a simulated wallet page (approximation of the brand). */
  readonly brandColor: string;
  /** ISO 3166-1 alpha-2 buyer regions. */
  readonly regions: readonly string[];
  /** Buyer-side transaction currency. */
  readonly currency: CurrencyCode;
  /** Minimum payment (and refund) amount in minor units of `currency`. */
  readonly minAmount: bigint;
  /** Maximum per transaction in minor units, when published. */
  readonly maxAmount?: bigint;
  /** The value must be a multiple of this many minor units (beyond the currency's own rule). */
  readonly amountMultipleOf?: bigint;
  /** Human-readable amount rules (en). */
  readonly amountRules: readonly string[];
  readonly terminalTypes: readonly TerminalType[];
  readonly supportsRefund: boolean;
  readonly supportsPartialRefund: boolean;
  readonly refundWindowDays?: number;
  /** The user can revoke the authorization inside the wallet app. */
  readonly supportsWalletRevocation: boolean;
  /** Antom sends notifyAuthorization TOKEN_CANCELED for wallet-side revocations (best effort anyway). */
  readonly notifiesRevocation: boolean;
  /** consult must carry `recurringPayment` (PayPay). */
  readonly requiresRecurringPayment: boolean;
  /**
   * Token refresh timing: the access token is renewed when a third of its lifetime is left, but never more
   * than this long before its expiry (a 30-day token: 7 days early). Antom publishes no per-wallet rule;
   * the bound is ours, per wallet so a wallet with a known quirk can differ.
   */
  readonly tokenRefreshMaxLeadMs: number;
  /**
   * Antom answers `authorizations/query` for this wallet's tokens (the refresher's first step after a lost
   * refresh answer). The endpoint is in every SDK but has no public page: UNVERIFIED for all wallets.
   */
  readonly supportsTokenQuery: boolean;
  /** Field names whose values are not confirmed by a readable public source. */
  readonly unverified: readonly string[];
  readonly notes: readonly string[];
}

const ALL_TERMINALS: readonly TerminalType[] = ['WEB', 'WAP', 'APP'];

/** Defaults shared by entries; each entry overrides what is known and lists what is not. */
type Defaulted = 'terminalTypes' | 'supportsRefund' | 'supportsPartialRefund' | 'amountRules' | 'notes' | 'requiresRecurringPayment' | 'tokenRefreshMaxLeadMs' | 'supportsTokenQuery';

function method(entry: Omit<PaymentMethod, Defaulted> & Partial<Pick<PaymentMethod, Defaulted>>): PaymentMethod {
  return Object.freeze({
    tokenRefreshMaxLeadMs: 7 * 24 * 60 * 60 * 1000,
    supportsTokenQuery: true,
    terminalTypes: ALL_TERMINALS,
    supportsRefund: true,
    supportsPartialRefund: true,
    amountRules: [],
    notes: [],
    requiresRecurringPayment: false,
    ...entry,
    // Terminal types and partial-refund support per method were not readable for any method.
    unverified: Object.freeze([...new Set(['terminalTypes', 'supportsPartialRefund', 'brandColor', ...entry.unverified])]),
  });
}

/** Every Auto Debit payment method Daikou supports, in ams-api.md §14 order. */
export const PAYMENT_METHODS: readonly PaymentMethod[] = Object.freeze([
  method({
    code: 'ALIPAY_CN', methodNumber: 1, kind: 'WALLET', nameEn: 'Alipay', nameLocal: '支付宝', locale: 'zh-CN', brandColor: '#1677FF',
    regions: ['CN'], currency: 'CNY', minAmount: 10n, maxAmount: 30_000_000n, refundWindowDays: 365,
    amountRules: ['Minimum 0.10 CNY', 'Maximum 300,000 CNY per transaction and 3,000,000 CNY per person per year'],
    supportsWalletRevocation: true, notifiesRevocation: true, unverified: [],
    notes: ['Refund window 18 months when acquired through AntomCN'],
  }),
  method({
    code: 'ALIPAY_HK', methodNumber: 2, kind: 'WALLET', nameEn: 'AlipayHK', nameLocal: '支付寶HK', locale: 'zh-HK', brandColor: '#1B7DF2',
    regions: ['HK'], currency: 'HKD', minAmount: 1n, maxAmount: 5_000_000n, refundWindowDays: 365,
    amountRules: ['Minimum 0.01 HKD', 'Maximum 50,000 HKD per transaction and 200,000 HKD per year'],
    supportsWalletRevocation: true, notifiesRevocation: true, unverified: ['supportsWalletRevocation', 'notifiesRevocation'],
  }),
  method({
    code: 'BOOST', methodNumber: 3, kind: 'WALLET', nameEn: 'Boost', nameLocal: 'Boost', locale: 'ms-MY', brandColor: '#EE2E24',
    regions: ['MY'], currency: 'MYR', minAmount: 1n, supportsWalletRevocation: true, notifiesRevocation: true,
    unverified: ['minAmount', 'refundWindowDays'],
  }),
  method({
    code: 'DANA', methodNumber: 4, kind: 'WALLET', nameEn: 'DANA', nameLocal: 'DANA', locale: 'id-ID', brandColor: '#118EEA',
    regions: ['ID'], currency: 'IDR', minAmount: 30_000n, amountMultipleOf: 100n,
    amountRules: ['Minimum 300 IDR', 'Whole rupiah only: the minor-unit value ends in 00'],
    supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'GCASH', methodNumber: 5, kind: 'WALLET', nameEn: 'GCash', nameLocal: 'GCash', locale: 'fil-PH', brandColor: '#007DFE',
    regions: ['PH'], currency: 'PHP', minAmount: 100n, amountRules: ['Minimum 1 PHP'],
    supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
    notes: ['consult may return a dynamic link as authUrl'],
  }),
  method({
    code: 'KAKAOPAY', methodNumber: 6, kind: 'WALLET', nameEn: 'Kakao Pay', nameLocal: '카카오페이', locale: 'ko-KR', brandColor: '#FFEB00',
    regions: ['KR'], currency: 'KRW', minAmount: 50n, amountRules: ['Minimum 50 KRW for payments and refunds'],
    supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'NAVERPAY', methodNumber: 7, kind: 'WALLET', nameEn: 'NAVER Pay', nameLocal: '네이버페이', locale: 'ko-KR', brandColor: '#03C75A',
    regions: ['KR'], currency: 'KRW', minAmount: 1n, supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['minAmount', 'supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'RABBIT_LINE_PAY', methodNumber: 8, kind: 'WALLET', nameEn: 'Rabbit LINE Pay', nameLocal: 'แรบบิท ไลน์ เพย์', locale: 'th-TH',
    brandColor: '#00B900', regions: ['TH'], currency: 'THB', minAmount: 1n, supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['minAmount', 'supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'TNG', methodNumber: 9, kind: 'WALLET', nameEn: "Touch 'n Go eWallet", nameLocal: "Touch 'n Go eWallet", locale: 'ms-MY',
    brandColor: '#005ABB', regions: ['MY'], currency: 'MYR', minAmount: 5n, amountRules: ['Minimum 0.05 MYR'],
    supportsWalletRevocation: true, notifiesRevocation: true, unverified: ['notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'TRUEMONEY', methodNumber: 10, kind: 'WALLET', nameEn: 'TrueMoney', nameLocal: 'ทรูมันนี่', locale: 'th-TH', brandColor: '#FF8300',
    regions: ['TH'], currency: 'THB', minAmount: 100n, amountRules: ['Minimum 1 THB'],
    // An older EasySafePay page says TrueMoney supports wallet-side revocation but does not notify it.
    supportsWalletRevocation: true, notifiesRevocation: false, unverified: ['notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'ZALOPAY', methodNumber: 11, kind: 'WALLET', nameEn: 'ZaloPay', nameLocal: 'ZaloPay', locale: 'vi-VN', brandColor: '#0068FF',
    regions: ['VN'], currency: 'VND', minAmount: 1n, supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['minAmount', 'supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'GRABPAY_MY', methodNumber: 12, kind: 'WALLET', nameEn: 'GrabPay (Malaysia)', nameLocal: 'GrabPay', locale: 'ms-MY', brandColor: '#00B14F',
    regions: ['MY'], currency: 'MYR', minAmount: 1n, amountRules: ['Minimum 0.01 MYR'],
    supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'GRABPAY_SG', methodNumber: 12, kind: 'WALLET', nameEn: 'GrabPay (Singapore)', nameLocal: 'GrabPay', locale: 'en-SG', brandColor: '#00B14F',
    regions: ['SG'], currency: 'SGD', minAmount: 1n, amountRules: ['Minimum 0.01 SGD'],
    supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
    notes: ['Same-day refunds can fail because they depend on the wallet settlement'],
  }),
  method({
    code: 'GRABPAY_PH', methodNumber: 12, kind: 'WALLET', nameEn: 'GrabPay (Philippines)', nameLocal: 'GrabPay', locale: 'en-PH', brandColor: '#00B14F',
    regions: ['PH'], currency: 'PHP', minAmount: 100n, amountRules: ['Minimum 1 PHP'],
    supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'MAYA', methodNumber: 13, kind: 'WALLET', nameEn: 'Maya', nameLocal: 'Maya', locale: 'fil-PH', brandColor: '#00A862',
    regions: ['PH'], currency: 'PHP', minAmount: 1n, supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['minAmount', 'supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
  }),
  method({
    code: 'PAYPAY', methodNumber: 14, kind: 'WALLET', nameEn: 'PayPay', nameLocal: 'PayPay', locale: 'ja-JP', brandColor: '#FF0033',
    regions: ['JP'], currency: 'JPY', minAmount: 1n, amountRules: ['Minimum 1 JPY'], requiresRecurringPayment: true,
    supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays'],
    notes: ['consult must carry recurringPayment'],
  }),
  method({
    code: 'DIRECT_DEBIT_KRUNGTHAIBANK', methodNumber: 15, kind: 'BANK_DIRECT_DEBIT', nameEn: 'Krungthai Bank', nameLocal: 'ธนาคารกรุงไทย',
    locale: 'th-TH', brandColor: '#00A6E6', regions: ['TH'], currency: 'THB', minAmount: 1n,
    supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['minAmount', 'supportsRefund', 'supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays', 'cancelWindow'],
    notes: ['Cancel window rules of Thai online banking may apply (until the payment completes)'],
  }),
  method({
    code: 'DIRECT_DEBIT_SIAMCOMMERCIALBANK', methodNumber: 16, kind: 'BANK_DIRECT_DEBIT', nameEn: 'Siam Commercial Bank',
    nameLocal: 'ธนาคารไทยพาณิชย์', locale: 'th-TH', brandColor: '#4E2E7F', regions: ['TH'], currency: 'THB', minAmount: 1n,
    supportsWalletRevocation: false, notifiesRevocation: false,
    unverified: ['minAmount', 'supportsRefund', 'supportsWalletRevocation', 'notifiesRevocation', 'refundWindowDays', 'cancelWindow'],
    notes: ['Cancel window rules of Thai online banking may apply (until the payment completes)'],
  }),
]);

const BY_CODE = new Map<string, PaymentMethod>(PAYMENT_METHODS.map((m) => [m.code, m]));

/** All catalog codes, for enums and zod schemas. */
export const PAYMENT_METHOD_CODES = Object.freeze(PAYMENT_METHODS.map((m) => m.code)) as readonly PaymentMethodCode[];

/** The catalog entry for `code`, or `undefined` for codes outside the 16 Auto Debit methods. */
export function getPaymentMethod(code: string): PaymentMethod | undefined {
  return BY_CODE.get(code);
}

export function isPaymentMethodCode(code: string): code is PaymentMethodCode {
  return BY_CODE.has(code);
}

/**
 * Checks an amount against the method's published rules. Wallet minimum/maximum apply only when the
 * amount is in the method's own currency (a merchant may price in another currency and let Antom
 * convert); the currency's own rules (IDR whole rupiah) always apply.
 */
export function checkPaymentMethodAmount(code: PaymentMethodCode | PaymentMethod, minor: bigint, currency: CurrencyCode): AmountIssue[] {
  const m = typeof code === 'string' ? BY_CODE.get(code) : code;
  if (!m || m.currency !== currency) return checkAmount(minor, currency);
  const issues = checkAmount(minor, currency, { minAmount: m.minAmount, multipleOf: m.amountMultipleOf });
  if (m.maxAmount !== undefined && minor > m.maxAmount) {
    issues.push({ code: 'TOO_LARGE', message: `${m.nameEn} accepts at most ${m.maxAmount} minor units of ${currency} per transaction.` });
  }
  return issues;
}
