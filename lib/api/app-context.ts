import { getAgreementDeps } from '@/lib/agreements/app-deps';
import { getDatabase, getDb } from '@/lib/db';
import { env, gatewayMode } from '@/lib/env';
import { getPaymentDeps } from '@/lib/payments/app-deps';
import { getRefundDeps } from '@/lib/refunds/app-deps';
import { apiKeyModeFor, type KeyRow } from './api-keys';
import { apiRateLimiter, type ApiContext } from './context';
import { API_KEY_REVOKED_CHANNEL, ApiKeyCache } from './key-cache';

const KEY_CACHE = Symbol.for('daikou.api.key-cache');

/** This instance's key cache, cleared whenever any instance revokes a key (LISTEN api_key_revoked). */
function keyCache(): ApiKeyCache<KeyRow> {
  const holder = globalThis as unknown as Record<symbol, ApiKeyCache<KeyRow> | undefined>;
  let cache = holder[KEY_CACHE];
  if (!cache) {
    const made = new ApiKeyCache<KeyRow>();
    cache = holder[KEY_CACHE] = made;
    void getDatabase()
      .then((database) => database.listen?.(API_KEY_REVOKED_CHANNEL, () => made.clear()))
      .catch(() => {});
  }
  return cache;
}

/** The API context of this process, from validated configuration (the rate limit itself lives in the database). */
export async function getApiContext(): Promise<ApiContext> {
  const config = env();
  const [db, payment, refund, agreement] = await Promise.all([getDb(), getPaymentDeps(), getRefundDeps(), getAgreementDeps()]);
  return {
    db,
    payment,
    refund,
    agreement,
    mode: apiKeyModeFor(gatewayMode(config)),
    appUrl: config.APP_URL,
    rateLimiter: apiRateLimiter(config.API_RATE_PER_SECOND, config.API_RATE_BURST),
    keyCache: keyCache(),
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
  };
}
