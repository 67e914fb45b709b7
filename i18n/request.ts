import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, negotiateLocale, type Locale } from './locales';

type Messages = Record<string, unknown>;

async function loadMessages(locale: Locale): Promise<Messages> {
  return (await import(`../messages/${locale}.json`)).default as Messages;
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

// Locale without URL prefixes: an explicit `locale` passed by the page (buyer links) > cookie > Accept-Language.
export default getRequestConfig(async ({ requestLocale }) => {
  const requested = await requestLocale;
  let locale: Locale = DEFAULT_LOCALE;
  if (isLocale(requested)) locale = requested;
  else {
    const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
    if (isLocale(cookie)) locale = cookie;
    else locale = negotiateLocale((await headers()).get('accept-language')) ?? DEFAULT_LOCALE;
  }
  const base = await loadMessages('en');
  const messages = locale === 'en' ? base : merge(base, await loadMessages(locale));
  return { locale, messages, timeZone: 'UTC' };
});
