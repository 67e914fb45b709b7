import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, LOCALE_HEADER, negotiateLocale, type Locale } from './locales';

type Messages = Record<string, unknown>;

/** Messages are split per area (messages/<locale>/<area>.json) so each can be translated on its own. */
async function loadMessages(locale: Locale): Promise<Messages> {
  const [dashboard, buyer] = await Promise.all([
    import(`../messages/${locale}/dashboard.json`).then((m) => m.default as Messages),
    import(`../messages/${locale}/buyer.json`).then((m) => m.default as Messages),
  ]);
  return { ...dashboard, ...buyer };
}

/** Deep merge so a locale may translate only some namespaces (e.g. no dashboard strings in Thai). */
function merge(base: Messages, override: Messages): Messages {
  const out: Messages = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = out[key];
    out[key] =
      value && typeof value === 'object' && existing && typeof existing === 'object'
        ? merge(existing as Messages, value as Messages)
        : value;
  }
  return out;
}

// Locale without URL prefixes: ?lang= (copied into a request header by proxy.ts; buyer links carry it)
// > cookie (dashboard switch) > Accept-Language > English.
export default getRequestConfig(async () => {
  const h = await headers();
  const fromUrl = h.get(LOCALE_HEADER);
  const fromCookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale: Locale = isLocale(fromUrl) ? fromUrl : isLocale(fromCookie) ? fromCookie : (negotiateLocale(h.get('accept-language')) ?? DEFAULT_LOCALE);
  const base = await loadMessages('en');
  const messages = locale === 'en' ? base : merge(base, await loadMessages(locale));
  return { locale, messages, timeZone: 'UTC' };
});
