import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import type { Db } from '@/lib/db/client';
import type { PaymentDeps } from '@/lib/payments/payment-deps';
import type { RefundDeps } from '@/lib/refunds/refund-deps';
import type { ApiKeyMode, KeyRow } from './api-keys';
import type { ApiKeyCache } from './key-cache';
import type { RateLimit } from './rate-limit';

/** What the merchant API's handlers need; the app builds it from configuration (app-context.ts), tests by hand. */
export interface ApiContext {
  db: Db;
  payment: PaymentDeps;
  refund: RefundDeps;
  agreement: AgreementDeps;
  /** test (simulator gateway) or live (Antom): keys of the other mode are refused. */
  mode: ApiKeyMode;
  /** Public base URL, for authorization-link URLs. */
  appUrl: string;
  /** Per-key request budget, shared by every instance through the database (lib/api/rate-limit.ts). */
  rateLimiter: RateLimit;
  /** This instance's short-lived cache of key rows (lib/api/key-cache.ts); none = read the key row on every request. */
  keyCache?: ApiKeyCache<KeyRow>;
  /** Reverse proxies in front that append to X-Forwarded-For (TRUSTED_PROXY_HOPS). */
  trustedProxyHops: number;
  now?: () => Date;
  /** How long a replay waits for a running request with its Idempotency-Key (default IDEMPOTENCY_WAIT_MS). */
  idempotencyWaitMs?: number;
}

export function apiRateLimiter(perSecond: number, burst: number): RateLimit {
  if (!(burst >= 1) || !(perSecond > 0)) throw new Error('A rate limit needs a burst ≥ 1 and a positive rate.');
  return { perSecond, burst };
}
