/**
 * Which AMS calls the transport may resend on its own, and how often — the one table (no call site passes a
 * number). A transport retry resends the byte-identical body after a network error or a 5xx; it is only
 * listed where that resend cannot do harm, and only where no caller above owns the retries of that call
 * (a resolver job, a claim): budgets never stack.
 *
 * An operation is an endpoint, except that applyToken is two operations: exchanging an authCode (the code
 * is single-use, but a resend of the same code is answered consistently — ams-api.md §4.3) and renewing
 * with a refresh token, which is never resent: the wallet rotates the refresh token on the first call, so a
 * resend after a lost answer carries a dead token and is refused (INVALID_REFRESH_TOKEN) although a valid
 * token was issued. The refresher recovers from an unknown outcome itself (lib/agreements).
 */
import type { EndpointName } from './endpoints';

export type RetryOperation = EndpointName | 'applyToken.refresh';

export interface RetryRule {
  /** Resends after the first attempt (network errors and 5xx only). */
  readonly transportRetries: number;
  readonly why: string;
}

export const RETRY_POLICY: Readonly<Record<RetryOperation, RetryRule>> = Object.freeze({
  consult: { transportRetries: 2, why: 'Read-only: new URLs for the same authState.' },
  applyToken: { transportRetries: 2, why: 'AUTHORIZATION_CODE: a resend of the same code is safe (ams-api.md §4.3); the claim outlives all attempts.' },
  'applyToken.refresh': { transportRetries: 0, why: 'REFRESH_TOKEN rotates the refresh token: a resend carries a dead token. Sent once; the refresher recovers an unknown.' },
  revoke: { transportRetries: 2, why: 'Idempotent per token.' },
  queryToken: { transportRetries: 2, why: 'Read-only.' },
  pay: { transportRetries: 0, why: 'The payment resolver owns resends (same paymentRequestId, stored body) and the deadline cancel.' },
  inquiryPayment: { transportRetries: 0, why: 'The payment resolver owns its schedule.' },
  cancel: { transportRetries: 0, why: 'The payment resolver and the cancel claim own resends.' },
  refund: { transportRetries: 1, why: 'Idempotent per refundRequestId with the stored body; one quick resend before the refund resolver takes over.' },
  inquiryRefund: { transportRetries: 0, why: 'The refund resolver owns its schedule.' },
  declare: { transportRetries: 1, why: 'Idempotent per declarationRequestId with the stored body.' },
  inquiryDeclarationRequests: { transportRetries: 1, why: 'Read-only.' },
} satisfies Record<RetryOperation, RetryRule>);

/** The operation a request is (applyToken with a REFRESH_TOKEN grant is its own). */
export function retryOperation(name: EndpointName, input: unknown): RetryOperation {
  if (name === 'applyToken' && (input as { grantType?: unknown } | null)?.grantType === 'REFRESH_TOKEN') return 'applyToken.refresh';
  return name;
}

/** Transport retries for an operation, never more than the client's cap (a test client may set 0). */
export function transportRetries(operation: RetryOperation, cap?: number): number {
  const rule = RETRY_POLICY[operation].transportRetries;
  return cap === undefined ? rule : Math.max(0, Math.min(rule, cap));
}
