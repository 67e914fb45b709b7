import { html, type SafeHtml } from '@/lib/html/html';

/** Translator for the `buyer` namespace, as next-intl's getTranslations returns it. */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * A complete buyer page: no scripts at all (first-load JavaScript is zero bytes, and everything works
 * with JavaScript off), one small stylesheet, the page language on <html>. Never cached: pages carry state.
 */
export function buyerResponse(input: { locale: string; title: string; body: SafeHtml; status?: number }): Response {
  const page = html`<!doctype html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${input.title} · Daikou</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/buyer/buyer.css">
</head>
<body class="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
<div class="mx-auto w-full max-w-xl px-4 py-6 sm:py-10">${input.body}</div>
</body>
</html>`;
  return new Response(page.value, {
    status: input.status ?? 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/** 303 See Other: after a form POST or a wallet return, the browser GETs the next page (reload-safe). */
export function seeOther(location: string, base: string | URL): Response {
  return new Response(null, { status: 303, headers: { Location: new URL(location, base).toString(), 'Cache-Control': 'no-store' } });
}
