/**
 * The Auto Debit endpoint table (ams-api.md §0): production path plus request/response schemas.
 * Paths are the constants of the official SDKs; the sandbox rewrite happens in the transport.
 */
import type { z } from 'zod';
import * as S from './wire-schemas';

export interface EndpointDefinition<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly path: string;
  readonly request: Req;
  readonly response: Res;
  /** Whether resending the identical request is safe (see ams-api.md §1.8). */
  readonly idempotent: boolean;
}

function endpoint<Req extends z.ZodType, Res extends z.ZodType>(
  path: string,
  request: Req,
  response: Res,
  idempotent = true,
): EndpointDefinition<Req, Res> {
  return Object.freeze({ path, request, response, idempotent });
}

export const ENDPOINTS = Object.freeze({
  consult: endpoint('/ams/api/v1/authorizations/consult', S.AlipayConsultRequest, S.AlipayConsultResponse),
  // authCode is single-use: a resend after a lost answer may come back as "code used" (then re-authorize).
  applyToken: endpoint('/ams/api/v1/authorizations/applyToken', S.AlipayApplyTokenRequest, S.AlipayApplyTokenResponse),
  revoke: endpoint('/ams/api/v1/authorizations/revoke', S.AlipayRevokeRequest, S.AlipayRevokeResponse),
  queryToken: endpoint('/ams/api/v1/authorizations/query', S.AlipayQueryTokenRequest, S.AlipayQueryTokenResponse),
  pay: endpoint('/ams/api/v1/payments/pay', S.AlipayPayRequest, S.AlipayPayResponse),
  inquiryPayment: endpoint('/ams/api/v1/payments/inquiryPayment', S.AlipayInquiryPaymentRequest, S.AlipayInquiryPaymentResponse),
  cancel: endpoint('/ams/api/v1/payments/cancel', S.AlipayCancelRequest, S.AlipayCancelResponse),
  refund: endpoint('/ams/api/v1/payments/refund', S.AlipayRefundRequest, S.AlipayRefundResponse),
  inquiryRefund: endpoint('/ams/api/v1/payments/inquiryRefund', S.AlipayInquiryRefundRequest, S.AlipayInquiryRefundResponse),
  declare: endpoint('/ams/api/v1/customs/declare', S.AlipayDeclareRequest, S.AlipayDeclareResponse),
  inquiryDeclarationRequests: endpoint(
    '/ams/api/v1/customs/inquiryDeclarationRequests',
    S.AlipayInquiryDeclarationRequest,
    S.AlipayInquiryDeclarationResponse,
  ),
});

export type EndpointName = keyof typeof ENDPOINTS;
export type EndpointRequest<N extends EndpointName> = z.input<(typeof ENDPOINTS)[N]['request']>;
export type EndpointResponse<N extends EndpointName> = z.output<(typeof ENDPOINTS)[N]['response']>;

/** Sandbox rule of all official SDKs: for `SANDBOX_` client ids the first `/ams/api` becomes `/ams/sandbox/api`. */
export function resolveEndpointPath(path: string, clientId: string): string {
  return clientId.startsWith('SANDBOX_') ? path.replace('/ams/api', '/ams/sandbox/api') : path;
}
