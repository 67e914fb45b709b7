import { randomBytes } from 'node:crypto';
import type { EndpointRequest, SerializedRequest } from '@/lib/alipay';
import { toWireValue } from '@/lib/money';
import { PAYMENT_EXPIRY_SECONDS, payBodyAad, type PaymentDeps } from './payment-deps';

export interface BuiltPayRequest {
  paymentRequestId: string;
  expiresAt: Date;
  /** SHA-256 of the exact body: every resend must serialise to it. */
  requestBodyHash: string;
  /** The exact body, sealed (it holds the access token), for byte-identical resends. */
  requestBodyCiphertext: string;
  /**
   * The request and its serialisation, in memory only: the first send uses them as they are (sendPay's
   * `built`) instead of opening the sealed body and serialising it again. Never stored, never logged.
   */
  request: EndpointRequest<'pay'>;
  serialized: SerializedRequest;
}

/** A fresh paymentRequestId: ours, unguessable, never reused (Antom's idempotency key, ≤ 64 characters). */
export function newPaymentRequestId(): string {
  return `pay_${randomBytes(16).toString('hex')}`;
}

/**
 * Serialises the one pay request of a payment row, once. Throws AlipayValidationError (nothing written, nothing
 * sent) when lib/alipay's schema refuses it; the caller turns that into a precise refusal.
 */
export function buildPayRequest(
  deps: Pick<PaymentDeps, 'alipay' | 'vault' | 'notifyUrl' | 'paymentExpirySeconds'>,
  input: {
    paymentId: string;
    paymentRequestId: string;
    paymentMethod: string;
    accessToken: string;
    amountMinor: bigint;
    currency: string;
    referenceOrderId: string;
    description: string;
    merchantName: string;
    now: Date;
  },
): BuiltPayRequest {
  const expirySeconds = Math.min(PAYMENT_EXPIRY_SECONDS, deps.paymentExpirySeconds ?? PAYMENT_EXPIRY_SECONDS);
  const expiresAt = new Date(input.now.getTime() + expirySeconds * 1000);
  const amount = { currency: input.currency, value: toWireValue(input.amountMinor) };
  const request: EndpointRequest<'pay'> = {
    productCode: 'AGREEMENT_PAYMENT',
    paymentRequestId: input.paymentRequestId,
    paymentAmount: amount,
    paymentMethod: { paymentMethodType: input.paymentMethod as never, paymentMethodId: input.accessToken },
    order: {
      referenceOrderId: input.referenceOrderId,
      orderDescription: input.description,
      orderAmount: amount,
      merchant: { referenceMerchantId: 'daikou', merchantName: input.merchantName.slice(0, 64) },
    },
    // Seconds precision: Antom reads ISO 8601 with an offset; the expiry fixes Antom's own deadline.
    paymentExpiryTime: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(deps.notifyUrl ? { paymentNotifyUrl: deps.notifyUrl } : {}),
  };
  const serialized = deps.alipay.serialize('pay', request);
  return {
    paymentRequestId: input.paymentRequestId,
    expiresAt,
    requestBodyHash: serialized.sha256,
    requestBodyCiphertext: deps.vault.seal(serialized.body, payBodyAad(input.paymentId)),
    request,
    serialized,
  };
}
