import { NextResponse, type NextRequest } from 'next/server';
import { isLocale, LOCALE_HEADER } from '@/i18n/locales';
import { formActionSources } from '@/lib/buyer/form-action';
import { env } from '@/lib/env';

/**
 * Security headers for every page (reliability.md §4.7): a per-request nonce CSP, nosniff, no framing,
 * strict referrer, HSTS in production. The sign-in redirect here is a convenience only — every page,
 * action and service checks the session itself (CVE-2025-29927 showed middleware can be skipped).
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const { NODE_ENV, APP_URL } = env();
  const isDev = NODE_ENV === 'development';
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes (React style props) need this; scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    // Forms may only submit to us (and, from buyer pages, lead on to the wallet): an injected form cannot post data away.
    formActionSources(request.nextUrl.pathname),
  ].join('; ');

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  // ?lang= picks the page language (buyer links carry it); only a supported value reaches i18n/request.ts.
  requestHeaders.delete(LOCALE_HEADER);
  const lang = request.nextUrl.searchParams.get('lang');
  if (isLocale(lang)) requestHeaders.set(LOCALE_HEADER, lang);

  const path = request.nextUrl.pathname;
  const hasSessionCookie = request.cookies.getAll().some((c) => c.name.endsWith('next-auth.session-token'));
  const response =
    path.startsWith('/dashboard') && !hasSessionCookie
      ? NextResponse.redirect(new URL('/sign-in', request.url))
      : NextResponse.next({ request: { headers: requestHeaders } });

  response.headers.set('Content-Security-Policy', csp);
  response.headers.set('X-Content-Type-Options', 'nosniff');
  response.headers.set('X-Frame-Options', 'DENY');
  response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  // Behind a TLS-terminating proxy the request itself is http: trust the public URL or X-Forwarded-Proto.
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https' || APP_URL.startsWith('https:');
  if (NODE_ENV === 'production' && https) {
    response.headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  }
  return response;
}

export const config = {
  matcher: [
    {
      // Not the report upload: a request the proxy sees has its body buffered and cut at 10 MB (Next's
      // proxyClientMaxBodySize), so a valid 12 MB report arrived truncated. The route checks the session,
      // role and origin itself and answers JSON.
      source: '/((?!_next/static|_next/image|favicon.ico|favicon.svg|buyer/|api/alipay|dashboard/reconciliation/upload).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
