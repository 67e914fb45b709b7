import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who may scrape: with no METRICS_TOKEN the endpoint does not exist (404); otherwise the request must carry
 * `Authorization: Bearer <METRICS_TOKEN>` (401 without it). Compared in constant time on digests.
 */
export function authorizeScrape(token: string | undefined, authorization: string | null): 200 | 401 | 404 {
  if (!token) return 404;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return 401;
  const a = createHash('sha256').update(match[1]!).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) ? 200 : 401;
}
