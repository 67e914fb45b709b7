/** Languages of the buyer pages; the dashboard is translated into the first two. */
export const LOCALES = ['en', 'zh-CN', 'zh-HK', 'ko', 'ja', 'th', 'id', 'ms', 'vi', 'fil'] as const;
export type Locale = (typeof LOCALES)[number];
export const DASHBOARD_LOCALES = ['en', 'zh-CN'] as const satisfies readonly Locale[];
export const DEFAULT_LOCALE: Locale = 'en';
export const LOCALE_COOKIE = 'NEXT_LOCALE';
/** Request header proxy.ts sets from a valid ?lang= query parameter. */
export const LOCALE_HEADER = 'x-daikou-locale';

export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  'zh-CN': '简体中文',
  'zh-HK': '繁體中文（香港）',
  ko: '한국어',
  ja: '日本語',
  th: 'ไทย',
  id: 'Bahasa Indonesia',
  ms: 'Bahasa Melayu',
  vi: 'Tiếng Việt',
  fil: 'Filipino',
};

export function isLocale(value: string | null | undefined): value is Locale {
  return (LOCALES as readonly string[]).includes(value ?? '');
}

/**
 * Picks the best supported locale from an Accept-Language header: exact tag first, then Chinese by script/
 * region (zh-TW/zh-HK/zh-Hant → zh-HK, other zh → zh-CN), then the primary language (tl → fil).
 */
export function negotiateLocale(acceptLanguage: string | null | undefined, supported: readonly Locale[] = LOCALES): Locale | null {
  if (!acceptLanguage) return null;
  const ranges = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number.parseFloat(q.slice(2)) || 0 : 1 };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranges) {
    const lower = tag.toLowerCase();
    const exact = supported.find((l) => l.toLowerCase() === lower);
    if (exact) return exact;
    const primary = lower.split('-')[0];
    let candidate: string | undefined;
    if (primary === 'zh') candidate = /(-hk|-tw|-mo|-hant)/.test(lower) ? 'zh-HK' : 'zh-CN';
    else if (primary === 'tl') candidate = 'fil';
    else candidate = primary;
    const match = supported.find((l) => l === candidate);
    if (match) return match;
  }
  return null;
}
