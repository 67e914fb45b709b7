/**
 * What a refused token refresh (applyToken, REFRESH_TOKEN) means. Only a grant code says the buyer's
 * authorization is gone; a merchant-side configuration code says our own account or keys are wrong, which
 * is true for every agreement at once and must never end any of them.
 */

/** The grant is gone at the wallet: the refresh token is dead or expired, or the user revoked. */
export const GRANT_REFUSAL_CODES: ReadonlySet<string> = new Set([
  'INVALID_REFRESH_TOKEN',
  'EXPIRED_REFRESH_TOKEN',
  'INVALID_ACCESS_TOKEN',
  'AUTH_CANCELED',
  'USER_NOT_EXIST',
]);

/** Our side is misconfigured (account, product, keys, signature, contract): stop refreshing for everyone, alert. */
export const MERCHANT_CONFIG_CODES: ReadonlySet<string> = new Set([
  'ACCESS_DENIED',
  'INVALID_CLIENT',
  'CLIENT_INVALID',
  'INVALID_CLIENT_STATUS',
  'CLIENT_FORBIDDEN_ACCESS_API',
  'INVALID_API',
  'NO_INTERFACE_DEF',
  'INVALID_SIGNATURE',
  'KEY_NOT_FOUND',
  'MEDIA_TYPE_NOT_ACCEPTABLE',
  'METHOD_NOT_SUPPORTED',
  'MERCHANT_NOT_REGISTERED',
  'INVALID_CONTRACT',
]);

export type RefreshRefusal = 'grant' | 'merchant_config' | 'other';

export function classifyRefreshRefusal(resultCode: string): RefreshRefusal {
  if (GRANT_REFUSAL_CODES.has(resultCode)) return 'grant';
  if (MERCHANT_CONFIG_CODES.has(resultCode)) return 'merchant_config';
  return 'other';
}
