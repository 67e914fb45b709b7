/**
 * zod schemas for every Auto Debit endpoint, from the field tables of ams-api.md §2–§12.
 *
 * Requests are strict (an unknown field is an error naming it — usually a typo that Antom would
 * silently ignore) and check the documented max lengths, enums and conditional requirements. Booleans
 * are accepted as booleans and sent as the strings "true"/"false" (§1.5: every scalar is a string).
 * Responses are loose: unknown fields are kept but untyped, so a new Antom field never breaks a call.
 * Raw wire types are prefixed `Alipay*` and stay inside the provider boundary.
 */
import { z } from 'zod';
import { checkPaymentMethodAmount, PAYMENT_METHOD_CODES, type PaymentMethodCode } from './catalog';
import { CURRENCY_CODES, isCurrencyCode } from '../money';

const str = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const httpUrl = (max: number) =>
  str(max).refine((v) => /^https?:\/\/[^\s]+$/i.test(v), 'must be an absolute http(s) URL');
const region = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "PH"');
const isoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/, 'must be ISO 8601 with an offset, e.g. 2026-01-01T12:00:00+08:00');
const boolString = z.boolean().transform((b) => (b ? 'true' : 'false'));
const paymentMethodCode = z.enum(PAYMENT_METHOD_CODES as unknown as [PaymentMethodCode, ...PaymentMethodCode[]], {
  error: `must be one of the Auto Debit method codes (${PAYMENT_METHOD_CODES.join(', ')})`,
});

/** Outgoing `Amount`: a known currency and a positive integer of minor units, as a string. */
export const AlipayAmountInput = z.strictObject({
  currency: z.string().refine(isCurrencyCode, `must be a currency of Antom's table (${CURRENCY_CODES.join(', ')})`),
  value: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer of minor units as a string, at most 16 digits (e.g. "1000" = 10.00 USD)'),
});

const envInput = z.looseObject({
  terminalType: z.enum(['WEB', 'WAP', 'APP', 'MINI_APP']).optional(),
  osType: z.enum(['IOS', 'ANDROID']).optional(),
  osVersion: str(16).optional(),
  userAgent: z.string().optional(),
  deviceTokenId: str(64).optional(),
  clientIp: z.string().optional(),
  deviceBrand: str(64).optional(),
  deviceModel: str(128).optional(),
  extendInfo: str(2048).optional(),
});

// ---------------------------------------------------------------------------------------------- consult

export const AlipayConsultRequest = z
  .strictObject({
    customerBelongsTo: paymentMethodCode,
    authClientId: str(64).optional(),
    authRedirectUrl: httpUrl(1024),
    scopes: z
      .array(z.enum(['BASE_USER_INFO', 'USER_INFO', 'AGREEMENT_PAY', 'USER_LOGIN_ID', 'HASH_LOGIN_ID', 'SEND_OTP', 'TAOBAO_REBIND']))
      .min(1, 'needs at least one scope (AGREEMENT_PAY for Auto Debit)')
      .max(4, 'at most 4 scopes'),
    authState: str(256),
    terminalType: z.enum(['WEB', 'WAP', 'APP', 'MINI_APP']).optional(),
    osType: z.enum(['IOS', 'ANDROID']).optional(),
    osVersion: str(16).optional(),
    merchantRegion: region.optional(),
    recurringPayment: boolString.optional(),
    authNotifyUrl: httpUrl(1024).optional(),
    env: envInput.optional(),
    merchantAccountId: str(64).optional(),
    authMetaData: z.looseObject({ accountHolderName: z.string().optional(), accountHolderCertNo: z.string().optional() }).optional(),
    extendInfo: z.string().optional(),
  })
  .superRefine((req, ctx) => {
    const terminal = req.terminalType ?? req.env?.terminalType;
    if (!terminal) ctx.addIssue({ code: 'custom', path: ['terminalType'], message: 'is required (or env.terminalType)' });
    if ((terminal === 'WAP' || terminal === 'APP') && !(req.osType ?? req.env?.osType)) {
      ctx.addIssue({ code: 'custom', path: ['osType'], message: 'is required when terminalType is WAP or APP (IOS or ANDROID)' });
    }
    if (req.customerBelongsTo === 'PAYPAY' && req.recurringPayment === undefined) {
      ctx.addIssue({ code: 'custom', path: ['recurringPayment'], message: 'is required for PAYPAY (true for subscriptions)' });
    }
  });

const nullableStr = z.string().nullish();

export const AlipayResultSchema = z.looseObject({
  resultCode: z.string().min(1),
  resultStatus: z.enum(['S', 'F', 'U']),
  resultMessage: z.string().nullish(),
});
export type AlipayResult = z.output<typeof AlipayResultSchema>;

/** Incoming `Amount` (value kept as the wire string; convert with `moneyFromWire`). */
export const AlipayAmountSchema = z.looseObject({ currency: z.string(), value: z.string().regex(/^[0-9]{1,16}$/) });
export type AlipayAmount = z.output<typeof AlipayAmountSchema>;

const quote = z.looseObject({
  quoteId: nullableStr,
  quoteCurrencyPair: nullableStr,
  quotePrice: z.union([z.string(), z.number()]).nullish(),
  quoteStartTime: nullableStr,
  quoteExpiryTime: nullableStr,
  guaranteed: z.union([z.string(), z.boolean()]).nullish(),
});
const pspCustomerInfo = z.looseObject({
  pspName: nullableStr,
  pspCustomerId: nullableStr,
  displayCustomerId: nullableStr,
  displayCustomerName: nullableStr,
  customer2088Id: nullableStr,
  extendInfo: nullableStr,
});
const response = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject({ result: AlipayResultSchema, ...shape });

export const AlipayConsultResponse = response({
  authUrl: nullableStr,
  normalUrl: nullableStr,
  schemeUrl: nullableStr,
  applinkUrl: nullableStr,
  appIdentifier: nullableStr,
  authCodeForm: z.looseObject({ codeDetails: z.array(z.looseObject({ codeValueType: nullableStr, codeValue: nullableStr, displayType: nullableStr })).nullish() }).nullish(),
  extendInfo: nullableStr,
});

// ------------------------------------------------------------------------------------------- applyToken

export const AlipayApplyTokenRequest = z.discriminatedUnion('grantType', [
  z.strictObject({
    grantType: z.literal('AUTHORIZATION_CODE'),
    customerBelongsTo: paymentMethodCode,
    authCode: str(128),
    merchantRegion: region.optional(),
    merchantAccountId: str(64).optional(),
    extendInfo: z.string().optional(),
  }),
  z.strictObject({
    grantType: z.literal('REFRESH_TOKEN'),
    customerBelongsTo: paymentMethodCode,
    refreshToken: str(128),
    merchantRegion: region.optional(),
    merchantAccountId: str(64).optional(),
    extendInfo: z.string().optional(),
  }),
]);

export const AlipayApplyTokenResponse = response({
  accessToken: nullableStr,
  accessTokenExpiryTime: nullableStr,
  refreshToken: nullableStr,
  refreshTokenExpiryTime: nullableStr,
  userLoginId: nullableStr,
  pspCustomerInfo: pspCustomerInfo.nullish(),
  extendInfo: nullableStr,
});

// --------------------------------------------------------------------------------- revoke / token query

export const AlipayRevokeRequest = z.strictObject({
  accessToken: str(128),
  merchantAccountId: str(64).optional(),
  extendInfo: z.string().optional(),
});
export const AlipayRevokeResponse = response({ extendInfo: nullableStr });

export const AlipayQueryTokenRequest = z.strictObject({ accessToken: str(128), merchantAccountId: str(64).optional() });
export const AlipayQueryTokenResponse = response({
  accessToken: nullableStr,
  accessTokenExpiryTime: nullableStr,
  refreshToken: nullableStr,
  refreshTokenExpiryTime: nullableStr,
  tokenStatusType: nullableStr,
});

// ------------------------------------------------------------------------------------------------- pay

const orderInput = z.looseObject({
  referenceOrderId: str(64),
  orderDescription: str(256),
  orderAmount: AlipayAmountInput,
  merchant: z
    .looseObject({
      referenceMerchantId: str(64),
      merchantMCC: z.string().optional(),
      merchantName: z.string().optional(),
      merchantDisplayName: z.string().optional(),
      merchantType: z.enum(['INDIVIDUAL', 'ENTERPRISE']).optional(),
    })
    .optional(),
  goods: z
    .array(
      z.looseObject({
        referenceGoodsId: str(64),
        goodsName: str(256),
        goodsCategory: str(64).optional(),
        goodsUnitAmount: AlipayAmountInput.optional(),
        goodsQuantity: z.string().regex(/^[1-9][0-9]*$/, 'must be a positive integer as a string').optional(),
        goodsUrl: str(2048).optional(),
        deliveryMethodType: z.enum(['PHYSICAL', 'DIGITAL']).optional(),
      }),
    )
    .max(100, 'at most 100 goods')
    .optional(),
  buyer: z
    .looseObject({
      referenceBuyerId: str(64).optional(),
      buyerPhoneNo: str(24).optional(),
      buyerEmail: str(64).optional(),
      buyerRegistrationTime: isoDateTime.optional(),
    })
    .optional(),
  env: envInput.optional(),
  extendInfo: z.string().optional(),
});

export const AlipayPayRequest = z
  .strictObject({
    productCode: z.literal('AGREEMENT_PAYMENT', { error: 'must be AGREEMENT_PAYMENT for Auto Debit' }),
    paymentRequestId: str(64),
    paymentAmount: AlipayAmountInput,
    paymentMethod: z.strictObject({
      paymentMethodType: paymentMethodCode,
      paymentMethodId: str(128),
      customerId: str(64).optional(),
      extendInfo: str(2048).optional(),
      paymentMethodMetaData: z.record(z.string(), z.unknown()).optional(),
    }),
    order: orderInput,
    paymentExpiryTime: isoDateTime.optional(),
    paymentNotifyUrl: httpUrl(2048).optional(),
    paymentRedirectUrl: httpUrl(2048).optional(),
    settlementStrategy: z.strictObject({ settlementCurrency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code') }).optional(),
    env: envInput.optional(),
    userRegion: region.optional(),
    merchantRegion: region.optional(),
    appId: str(32).optional(),
    merchantAccountId: str(32).optional(),
    extendInfo: z.string().optional(),
  })
  .superRefine((req, ctx) => {
    // Field-level checks may have failed already; only add wallet rules on a well-formed amount.
    if (!/^[1-9][0-9]{0,15}$/.test(req.paymentAmount.value) || !isCurrencyCode(req.paymentAmount.currency)) return;
    const minor = BigInt(req.paymentAmount.value);
    for (const issue of checkPaymentMethodAmount(req.paymentMethod.paymentMethodType, minor, req.paymentAmount.currency)) {
      ctx.addIssue({ code: 'custom', path: ['paymentAmount', 'value'], message: issue.message });
    }
  });

const paymentFields = {
  paymentRequestId: nullableStr,
  paymentId: nullableStr,
  paymentAmount: AlipayAmountSchema.nullish(),
  paymentCreateTime: nullableStr,
  paymentTime: nullableStr,
  actualPaymentAmount: AlipayAmountSchema.nullish(),
  paymentQuote: quote.nullish(),
  grossSettlementAmount: AlipayAmountSchema.nullish(),
  settlementQuote: quote.nullish(),
  pspCustomerInfo: pspCustomerInfo.nullish(),
  customsDeclarationAmount: AlipayAmountSchema.nullish(),
  acquirerReferenceNo: nullableStr,
  extendInfo: nullableStr,
};

export const AlipayPayResponse = response(paymentFields);

// ------------------------------------------------------------------------------- inquiryPayment / cancel

const byPaymentIds = z
  .strictObject({ paymentRequestId: str(64).optional(), paymentId: str(64).optional(), merchantAccountId: str(32).optional() })
  .refine((r) => r.paymentRequestId !== undefined || r.paymentId !== undefined, {
    path: ['paymentRequestId'],
    message: 'paymentRequestId or paymentId is required',
  });

export const AlipayInquiryPaymentRequest = byPaymentIds;
export const AlipayInquiryPaymentResponse = response({
  ...paymentFields,
  paymentStatus: z.enum(['SUCCESS', 'FAIL', 'PROCESSING', 'CANCELLED', 'PENDING']).nullish(),
  paymentResultCode: nullableStr,
  paymentResultMessage: nullableStr,
  transactions: z
    .array(
      z.looseObject({
        transactionType: nullableStr,
        transactionStatus: nullableStr,
        transactionResult: AlipayResultSchema.nullish(),
        transactionId: nullableStr,
        transactionRequestId: nullableStr,
        transactionAmount: AlipayAmountSchema.nullish(),
        transactionTime: nullableStr,
      }),
    )
    .nullish(),
});

export const AlipayCancelRequest = byPaymentIds;
export const AlipayCancelResponse = response({ paymentId: nullableStr, paymentRequestId: nullableStr, cancelTime: nullableStr });

// ---------------------------------------------------------------------------------------------- refund

export const AlipayRefundRequest = z.strictObject({
  refundRequestId: str(64),
  paymentId: str(64),
  refundAmount: AlipayAmountInput,
  referenceRefundId: str(64).optional(),
  refundReason: str(256).optional(),
  refundNotifyUrl: httpUrl(1024).optional(),
  extendInfo: z.string().optional(),
});

const refundFields = {
  refundRequestId: nullableStr,
  refundId: nullableStr,
  paymentId: nullableStr,
  refundAmount: AlipayAmountSchema.nullish(),
  refundTime: nullableStr,
  grossSettlementAmount: AlipayAmountSchema.nullish(),
  settlementQuote: quote.nullish(),
  acquirerReferenceNo: nullableStr,
};
export const AlipayRefundResponse = response(refundFields);

export const AlipayInquiryRefundRequest = z
  .strictObject({ refundRequestId: str(64).optional(), refundId: str(64).optional(), merchantAccountId: str(32).optional() })
  .refine((r) => r.refundRequestId !== undefined || r.refundId !== undefined, {
    path: ['refundRequestId'],
    message: 'refundRequestId or refundId is required',
  });
export const AlipayInquiryRefundResponse = response({
  ...refundFields,
  refundStatus: z.enum(['SUCCESS', 'PROCESSING', 'FAIL']).nullish(),
});

// ------------------------------------------------------------------------------------------- customs

export const AlipayDeclareRequest = z
  .strictObject({
    declarationRequestId: str(32),
    paymentId: str(64),
    declarationAmount: AlipayAmountInput.refine((a) => a.currency === 'CNY', { message: 'customs declarations are in CNY', path: ['currency'] }),
    customs: z.strictObject({ customsCode: str(64), region: z.literal('CN', { error: 'must be CN' }) }),
    merchantCustomsInfo: z.strictObject({ merchantCustomsCode: str(128), merchantCustomsName: str(256) }),
    splitOrder: boolString,
    subOrderId: str(64).optional(),
    buyerCertificate: z
      .looseObject({ certificateType: z.string(), certificateNo: str(64), holderName: z.looseObject({ fullName: z.string().optional() }).optional() })
      .optional(),
  })
  .superRefine((req, ctx) => {
    if (req.splitOrder === 'true' && !req.subOrderId) {
      ctx.addIssue({ code: 'custom', path: ['subOrderId'], message: 'is required when splitOrder is true' });
    }
  });
export const AlipayDeclareResponse = response({
  customsPaymentId: nullableStr,
  customsOrderId: nullableStr,
  identityCheckResult: nullableStr,
  clearingChannel: nullableStr,
  clearingTransactionId: nullableStr,
  customsProviderRegistrationId: nullableStr,
});

export const AlipayInquiryDeclarationRequest = z.strictObject({
  declarationRequestIds: z.array(str(32)).min(1, 'needs at least one id').max(10, 'at most 10 ids per call'),
});
export const AlipayInquiryDeclarationResponse = response({
  declarationRequestsNotFound: z.array(z.string()).nullish(),
  declarationRecords: z
    .array(
      z.looseObject({
        declarationRequestId: nullableStr,
        customsPaymentId: nullableStr,
        customsOrderId: nullableStr,
        declarationAmount: AlipayAmountSchema.nullish(),
        splitOrder: z.union([z.string(), z.boolean()]).nullish(),
        declarationRequestStatus: nullableStr,
        lastModifiedTime: nullableStr,
        customsDeclarationResultCode: nullableStr,
        customsDeclarationResultDesc: nullableStr,
        customsDeclarationReturnTime: nullableStr,
      }),
    )
    .nullish(),
});

// -------------------------------------------------------------------------- type aliases (same names)
// Request types are the *input* side (booleans before stringification); response types the output.
export type AlipayAmountInput = z.input<typeof AlipayAmountInput>;
export type AlipayConsultRequest = z.input<typeof AlipayConsultRequest>;
export type AlipayConsultResponse = z.output<typeof AlipayConsultResponse>;
export type AlipayApplyTokenRequest = z.input<typeof AlipayApplyTokenRequest>;
export type AlipayApplyTokenResponse = z.output<typeof AlipayApplyTokenResponse>;
export type AlipayRevokeRequest = z.input<typeof AlipayRevokeRequest>;
export type AlipayRevokeResponse = z.output<typeof AlipayRevokeResponse>;
export type AlipayQueryTokenRequest = z.input<typeof AlipayQueryTokenRequest>;
export type AlipayQueryTokenResponse = z.output<typeof AlipayQueryTokenResponse>;
export type AlipayPayRequest = z.input<typeof AlipayPayRequest>;
export type AlipayPayResponse = z.output<typeof AlipayPayResponse>;
export type AlipayInquiryPaymentRequest = z.input<typeof AlipayInquiryPaymentRequest>;
export type AlipayInquiryPaymentResponse = z.output<typeof AlipayInquiryPaymentResponse>;
export type AlipayCancelRequest = z.input<typeof AlipayCancelRequest>;
export type AlipayCancelResponse = z.output<typeof AlipayCancelResponse>;
export type AlipayRefundRequest = z.input<typeof AlipayRefundRequest>;
export type AlipayRefundResponse = z.output<typeof AlipayRefundResponse>;
export type AlipayInquiryRefundRequest = z.input<typeof AlipayInquiryRefundRequest>;
export type AlipayInquiryRefundResponse = z.output<typeof AlipayInquiryRefundResponse>;
export type AlipayDeclareRequest = z.input<typeof AlipayDeclareRequest>;
export type AlipayDeclareResponse = z.output<typeof AlipayDeclareResponse>;
export type AlipayInquiryDeclarationRequest = z.input<typeof AlipayInquiryDeclarationRequest>;
export type AlipayInquiryDeclarationResponse = z.output<typeof AlipayInquiryDeclarationResponse>;
