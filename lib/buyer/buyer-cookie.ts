import { randomBytes } from 'node:crypto';
import { cookies } from 'next/headers';
import { env } from '@/lib/env';

/** Identifies the buyer's browser for the authorization round trip (authState is bound to its HMAC). */
export const BUYER_COOKIE = 'daikou_buyer';
/** Remembers the buyer's page language across the trip to the wallet and back. */
export const BUYER_LOCALE_COOKIE = 'daikou_buyer_lang';

/** httpOnly, a day long, SameSite=Lax so they come back on the wallet's top-level redirect. */
function buyerCookieOptions() {
  return { httpOnly: true, sameSite: 'lax' as const, secure: env().APP_URL.startsWith('https:'), path: '/', maxAge: 60 * 60 * 24 };
}

export async function readBuyerBinding(): Promise<string | null> {
  const value = (await cookies()).get(BUYER_COOKIE)?.value;
  return value && /^[A-Za-z0-9_-]{22,64}$/.test(value) ? value : null;
}

/**
 * Returns the buyer-browser id, creating the cookie when absent (route handlers only).
 */
export async function ensureBuyerBinding(): Promise<string> {
  const existing = await readBuyerBinding();
  if (existing) return existing;
  const value = randomBytes(16).toString('base64url');
  (await cookies()).set(BUYER_COOKIE, value, buyerCookieOptions());
  return value;
}

export async function rememberBuyerLocale(locale: string): Promise<void> {
  (await cookies()).set(BUYER_LOCALE_COOKIE, locale, buyerCookieOptions());
}
