import { getLocale, getTranslations } from 'next-intl/server';
import { setLocaleAction } from '@/app/actions/set-locale';
import { DASHBOARD_LOCALES, LOCALE_NAMES } from '@/i18n/locales';

/** en / zh-CN switch; a plain form, so it works without JavaScript. */
export async function LocaleSwitcher() {
  const locale = await getLocale();
  const t = await getTranslations('common');
  return (
    <form action={setLocaleAction} className="flex items-center justify-center gap-2 text-sm">
      <label htmlFor="locale" className="sr-only text-slate-700 sm:not-sr-only">
        {t('language')}
      </label>
      <select id="locale" name="locale" defaultValue={locale} className="rounded-md border border-slate-400 bg-white px-2 py-1">
        {DASHBOARD_LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
      <button type="submit" className="rounded-md border border-slate-400 bg-white px-2 py-1 hover:bg-slate-100">
        {t('change')}
      </button>
    </form>
  );
}
