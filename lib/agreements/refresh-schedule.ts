import { getPaymentMethod } from '@/lib/alipay';
import type { AgreementDeps } from './agreement-deps';

/** A token is never renewed sooner than this after it was issued: whatever its lifetime, no refresh loop. */
export const MIN_REFRESH_INTERVAL_MS = 30 * 1000;
/** The lead when the wallet is not in the catalog. */
const DEFAULT_MAX_LEAD_MS = 7 * 24 * 60 * 60 * 1000;
/** Margin for the database writes around the refresher's calls. */
const CLAIM_MARGIN_MS = 30_000;

/**
 * When an access token issued at `issuedAt` and expiring at `expiresAt` is renewed: when a third of its
 * lifetime is left (two thirds in), but at most the wallet's bound before expiry — a 2-minute token at
 * 80 s, a 30-day token 7 days early — and never sooner than MIN_REFRESH_INTERVAL_MS after issue. A token
 * without an expiry is never refreshed.
 */
export function nextRefreshDueAt(input: { issuedAt: Date; expiresAt: Date | null; paymentMethod: string }): Date | null {
  if (!input.expiresAt) return null;
  const issued = input.issuedAt.getTime();
  const expires = input.expiresAt.getTime();
  const lifetime = Math.max(0, expires - issued);
  const maxLead = getPaymentMethod(input.paymentMethod)?.tokenRefreshMaxLeadMs ?? DEFAULT_MAX_LEAD_MS;
  const lead = Math.min(lifetime / 3, maxLead);
  return new Date(Math.max(issued + MIN_REFRESH_INTERVAL_MS, Math.round(expires - lead)));
}

/**
 * How long a refresh claim is held before another worker may take it over: longer than the slowest
 * possible step — a token query after a lost answer, then the one refresh call (never resent by the
 * transport; retry table in lib/alipay) — with every attempt timing out, plus a margin. A live claim is
 * therefore never taken over, and the refresh token is never sent twice at once.
 */
export function staleRefreshMs(deps: Pick<AgreementDeps, 'alipay'>): number {
  return deps.alipay.worstCaseCallMs('queryToken') + deps.alipay.worstCaseCallMs('applyToken.refresh') + CLAIM_MARGIN_MS;
}
