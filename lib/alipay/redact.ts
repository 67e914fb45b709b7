/**
 * Redaction for the api_calls log, by allow-list: only the values of fields known to be safe (ids, amounts,
 * statuses, result codes, times, the merchant's own names) are logged in clear; every other value — tokens,
 * auth codes, the buyer's name, phone, e-mail, id numbers, addresses, device data, URLs, free text, and any
 * field Antom adds tomorrow — is replaced by `[redacted:<8 hex of SHA-256>]`, which still lets two log lines
 * be correlated ("same token?") without revealing the value. Signatures are removed from headers.
 */
import { createHash } from 'node:crypto';

/**
 * Fields whose values are safe to show to every staff role: no personal data, no credential. A field not
 * listed is redacted. Reviewed against every field of lib/alipay/wire-schemas.ts (redact.test.ts).
 */
export const SAFE_LOG_FIELDS: ReadonlySet<string> = new Set([
  // results and statuses
  'resultCode', 'resultStatus', 'resultMessage', 'paymentStatus', 'paymentResultCode', 'paymentResultMessage', 'refundStatus',
  'transactionStatus', 'transactionType', 'tokenStatusType', 'identityCheckResult', 'declarationRequestStatus', 'customsDeclarationResultCode',
  // our and Antom's ids for payments, refunds, declarations, quotes, transactions
  'paymentRequestId', 'paymentId', 'refundRequestId', 'refundId', 'referenceRefundId', 'referenceOrderId', 'referenceMerchantId',
  'transactionId', 'transactionRequestId', 'clearingTransactionId', 'acquirerReferenceNo', 'quoteId', 'subOrderId',
  'declarationRequestId', 'declarationRequestIds', 'declarationRequestsNotFound', 'customsPaymentId', 'merchantAccountId',
  // money and times
  'currency', 'value', 'settlementCurrency', 'quoteCurrencyPair', 'quotePrice', 'quoteStartTime', 'quoteExpiryTime',
  'paymentCreateTime', 'paymentTime', 'paymentExpiryTime', 'refundTime', 'cancelTime', 'transactionTime', 'lastModifiedTime',
  'accessTokenExpiryTime', 'refreshTokenExpiryTime', 'customsDeclarationReturnTime',
  // product, method, channel and the merchant's own registration
  'productCode', 'paymentMethodType', 'customerBelongsTo', 'grantType', 'scopes', 'terminalType', 'osType', 'region', 'userRegion', 'merchantRegion',
  'merchantName', 'merchantDisplayName', 'merchantMCC', 'merchantType', 'merchantCustomsCode', 'merchantCustomsName', 'customsCode',
  'certificateType', 'splitOrder', 'clearingChannel', 'pspName', 'displayType', 'codeValueType', 'deliveryMethodType', 'goodsCategory', 'goodsQuantity',
  'guaranteed',
]);

/** Body fields whose values are secrets or bearer credentials (the notification masks use this pattern list). */
export const SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'accessToken',
  'refreshToken',
  'authCode',
  'authState',
  'paymentMethodId',
  'certificateNo',
  'accountHolderCertNo',
]);

export function redactValue(value: string): string {
  return `[redacted:${createHash('sha256').update(value).digest('hex').slice(0, 8)}]`;
}

function walk(node: unknown, key: string | null): unknown {
  if (Array.isArray(node)) return node.map((item) => walk(item, key));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v, k);
    return out;
  }
  // A leaf: in clear only under a safe field name (booleans and nulls carry nothing personal).
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') return key !== null && SAFE_LOG_FIELDS.has(key) ? node : redactValue(String(node));
  return node;
}

const QUOTED_FIELD = /("([A-Za-z0-9_$]+)"\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

/**
 * Redacts a JSON body text: every value not under a SAFE_LOG_FIELDS name. Text that is not JSON is
 * redacted by pattern (every quoted `"field":"value"` not safe, and unquoted numbers left as they are) so a
 * malformed answer is still safe to log.
 */
export function redactBody(text: string): string {
  try {
    return JSON.stringify(walk(JSON.parse(text), null));
  } catch {
    return text.replace(QUOTED_FIELD, (m, prefix: string, field: string, value: string) => (SAFE_LOG_FIELDS.has(field) ? m : `${prefix}"${redactValue(value)}"`));
  }
}

/** Copies headers with lower-case names, the `signature=` value replaced. */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    out[lower] = lower === 'signature' ? value.replace(/signature=[^,]*/i, 'signature=[redacted]') : value;
  }
  return out;
}
