/**
 * lib/alipay — a self-contained TypeScript client for Antom AMS Auto Debit (signing, every endpoint,
 * notifications, result codes, wallet catalog). Imports nothing from the app; see README.md.
 */
export { createAlipayClient, type AlipayClient, type AlipayClientConfig } from './client';
export {
  AlipayConfigError,
  AlipayError,
  AlipayHttpError,
  AlipayIdempotencyError,
  AlipayKeyError,
  AlipayNetworkError,
  AlipayResponseError,
  AlipaySignatureError,
  AlipaySignatureHeaderError,
  AlipayValidationError,
  alipayErrorKind,
  isAlipayError,
  type AlipayErrorKind,
  type AlipayKeyErrorCode,
  type AlipaySignatureErrorCode,
  type AlipaySignatureHeaderErrorCode,
} from './errors';
export { MIN_RSA_BITS, assertKeyPair, isKeyPair, keyFingerprint, loadPrivateKey, loadPublicKey } from './keys';
export {
  buildSignContent,
  decodeSignature,
  formatSignatureHeader,
  parseSignatureHeader,
  signContent,
  verifyBytes,
  verifyContent,
  type ParsedSignatureHeader,
  type SignContentParts,
  type SignatureHeaderParts,
} from './signature';
export {
  NOTIFICATION_ACK,
  NOTIFICATION_ACK_BODY,
  constructNotification,
  isNotificationAck,
  parseNotification,
  signNotification,
  verifyNotification,
  type AlipayAuthCodeCreatedNotification,
  type AlipayNotification,
  type AlipayPaymentNotification,
  type AlipayRefundNotification,
  type AlipayTokenCanceledNotification,
  type AlipayTokenCreatedNotification,
  type AlipayUnknownNotification,
  type NotificationHeaders,
  type SignNotificationInput,
  type VerifiedNotification,
  type VerifyNotificationInput,
} from './notifications';
export {
  RESULT_ACTION_LABELS,
  RESULT_CODES,
  classifyResult,
  describeResult,
  type Outcome,
  type ResultAction,
  type ResultCodeInfo,
  type ResultDescription,
  type ResultLike,
  type ResultStatus,
} from './result-codes';
export {
  PAYMENT_METHODS,
  PAYMENT_METHOD_CODES,
  checkPaymentMethodAmount,
  getPaymentMethod,
  isPaymentMethodCode,
  type PaymentMethod,
  type PaymentMethodCode,
  type TerminalType,
} from './catalog';
export { ENDPOINTS, resolveEndpointPath, type EndpointDefinition, type EndpointName, type EndpointRequest, type EndpointResponse } from './endpoints';
export { GRANT_REFUSAL_CODES, MERCHANT_CONFIG_CODES, classifyRefreshRefusal, type RefreshRefusal } from './token-codes';
export { RETRY_POLICY, retryOperation, transportRetries, type RetryOperation, type RetryRule } from './retry-policy';
export { sendRequest, serializeRequest, worstCaseCallMs, type AlipayCallEvent, type AlipayCallObserver, type AlipayCallResult, type CallOptions, type SerializedRequest } from './transport';
export { SAFE_LOG_FIELDS, SENSITIVE_FIELDS, redactBody, redactHeaders, redactValue } from './redact';
export * from './wire-schemas';
export { classifyCall, type CallOutcome } from './call-outcome';
