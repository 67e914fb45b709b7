import { getAgreementDeps } from '@/lib/agreements/app-deps';
import { getDb } from '@/lib/db';
import { env, gatewayMode } from '@/lib/env';
import type { TokenBuckets } from '@/lib/http/token-buckets';
import { getPaymentDeps } from '@/lib/payments/app-deps';
import { getRefundDeps } from '@/lib/refunds/app-deps';
import { apiKeyModeFor } from './api-keys';
import { apiRateLimiter, type ApiContext } from './context';

const LIMITER = Symbol.for('daikou.api.rate-limiter');

/** The API context of this process, from validated configuration; one rate limiter per process. */
export async function getApiContext(): Promise<ApiContext> {
  const config = env();
  const holder = globalThis as unknown as Record<symbol, TokenBuckets | undefined>;
  const rateLimiter = (holder[LIMITER] ??= apiRateLimiter(config.API_RATE_PER_SECOND, config.API_RATE_BURST));
  const [db, payment, refund, agreement] = await Promise.all([getDb(), getPaymentDeps(), getRefundDeps(), getAgreementDeps()]);
  return { db, payment, refund, agreement, mode: apiKeyModeFor(gatewayMode(config)), appUrl: config.APP_URL, rateLimiter, trustedProxyHops: config.TRUSTED_PROXY_HOPS };
}
