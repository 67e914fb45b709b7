import { isIP } from 'node:net';
import { env } from '@/lib/env';

/**
 * Set by scripts/serve-next.ts from the TCP socket on every request, overwriting whatever the client sent.
 * Route handlers cannot see the socket themselves, so this header is the only trustworthy peer address.
 */
export const SOCKET_IP_HEADER = 'x-daikou-socket-ip';

/**
 * The caller's IP for rate limits, audit rows and Antom's env.clientIp. X-Forwarded-For is client-controlled
 * except for the entries our own proxies appended, so with `trustedHops` proxies in front (TRUSTED_PROXY_HOPS)
 * the client is the `trustedHops`-th address counted from the right of [...X-Forwarded-For, socket]; with 0
 * it is the socket address and X-Forwarded-For is ignored. Anything that is not an IP address gives null.
 */
export function resolveClientIp(input: { socketIp: string | null; forwardedFor: string | null; trustedHops: number }): string | null {
  const socket = input.socketIp?.trim() || null;
  if (input.trustedHops === 0 || socket === null) return normaliseIp(socket);
  const chain = [...(input.forwardedFor ?? '').split(',').map((s) => s.trim()).filter(Boolean), socket];
  // Fewer entries than trusted hops: the request did not pass through all of them; the left-most is the
  // nearest thing to a client address we have, never an entry further left than the chain.
  return normaliseIp(chain[Math.max(0, chain.length - 1 - input.trustedHops)] ?? null);
}

/** A validated IP in canonical text (IPv4-mapped IPv6 shown as IPv4), or null. */
export function normaliseIp(value: string | null): string | null {
  if (!value || value.length > 64) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value);
  const candidate = mapped ? mapped[1]! : value;
  return isIP(candidate) ? candidate.toLowerCase() : null;
}

/** The caller's IP from request headers (see resolveClientIp), using the configured proxy hops. */
export function clientIp(header: (name: string) => string | null): string | null {
  return resolveClientIp({ socketIp: header(SOCKET_IP_HEADER), forwardedFor: header('x-forwarded-for'), trustedHops: env().TRUSTED_PROXY_HOPS });
}
