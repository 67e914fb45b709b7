import { LOCALE_NAMES, LOCALES } from '@/i18n/locales';
import { html } from '@/lib/html/html';
import type { Translate } from './buyer-document';

/** GET form reloading the same page with ?lang=, keeping the other parameters in `keep`. */
export function languageForm(t: Translate, locale: string, action: string, keep: Record<string, string | undefined> = {}) {
  return html`<form method="get" action="${action}" class="flex flex-wrap items-center justify-end gap-2 text-sm">
${Object.entries(keep).map(([name, value]) => (value ? html`<input type="hidden" name="${name}" value="${value}">` : null))}
<label for="buyer-lang" class="text-slate-700">${t('language')}</label>
<select id="buyer-lang" name="lang" class="rounded-md border border-slate-400 bg-white px-2 py-1">
${LOCALES.map((l) => html`<option value="${l}" lang="${l}"${l === locale ? html` selected` : null}>${LOCALE_NAMES[l]}</option>`)}
</select>
<button type="submit" class="rounded-md border border-slate-400 bg-white px-2 py-1 hover:bg-slate-100">${t('change')}</button>
</form>`;
}

/** The query string for buyer links, keeping only the parameters that are set. */
export function buyerQuery(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  const text = query.toString();
  return text ? `?${text}` : '';
}
