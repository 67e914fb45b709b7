import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import type { Db } from '@/lib/db/client';
import { TokenBuckets } from '@/lib/http/token-buckets';
import type { PaymentDeps } from '@/lib/payments/payment-deps';
import type { RefundDeps } from '@/lib/refunds/refund-deps';
import type { ApiKeyMode } from './api-keys';

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
  /** Per-key request budget (one per process). */
  rateLimiter: TokenBuckets;
  /** Reverse proxies in front that append to X-Forwarded-For (TRUSTED_PROXY_HOPS). */
  trustedProxyHops: number;
  now?: () => Date;
  /** How long a replay waits for a running request with its Idempotency-Key (default IDEMPOTENCY_WAIT_MS). */
  idempotencyWaitMs?: number;
}

export function apiRateLimiter(perSecond: number, burst: number): TokenBuckets {
  return new TokenBuckets({ capacity: burst, refillPerSecond: perSecond, maxKeys: 10_000 });
}
