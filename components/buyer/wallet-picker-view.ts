import type { PaymentMethod } from '@/lib/alipay';
import { html } from '@/lib/html/html';
import type { Translate } from './buyer-document';
import { buyerQuery, languageForm } from './language-form';
import { notice, textLink } from './notice';
import { walletMark } from './wallet-mark';

export interface WalletPickerData {
  token: string;
  locale: string;
  merchant: string;
  lang?: string;
  app?: string;
  /** ?region= as given (kept in links); `region` is the resolved one. */
  explicitRegion?: string;
  region: string | null;
  primary: PaymentMethod[];
  other: PaymentMethod[];
  error?: { key: string; wallet: string };
  /** The link's billing plan, shown before the buyer agrees: "₱499.00 every month from 1 May 2027". */
  plan?: { line: string; description: string; currency: string };
}

/** The wallet picker: region's wallets first, others folded, each a POST form (no JavaScript needed). */
export function walletPickerView(t: Translate, d: WalletPickerData) {
  const regionNames = new Intl.DisplayNames([d.locale], { type: 'region' });
  const regionName = (code: string) => regionNames.of(code) ?? code;
  const allRegions = [...new Set([...d.primary, ...d.other].flatMap((m) => m.regions))].sort((a, b) => regionName(a).localeCompare(regionName(b), d.locale));
  const manageHref = `/authorize/${d.token}/manage${buyerQuery({ lang: d.lang })}`;

  const walletButton = (m: PaymentMethod) => html`<li>
<form method="post" action="/authorize/${d.token}/start">
<input type="hidden" name="method" value="${m.code}">
${d.lang ? html`<input type="hidden" name="lang" value="${d.lang}">` : null}
${d.app ? html`<input type="hidden" name="app" value="${d.app}">` : null}
${d.explicitRegion ? html`<input type="hidden" name="region" value="${d.explicitRegion}">` : null}
<button type="submit" data-wallet="${m.code}" class="flex w-full min-h-16 items-center gap-4 rounded-xl border border-slate-300 bg-white px-4 py-3 text-left shadow-sm hover:border-blue-700 hover:bg-blue-50">
${walletMark(m)}
<span class="flex-1">
<span class="block font-semibold text-slate-900">${t('continueWith', { wallet: m.nameEn })}</span>
<span class="block text-sm text-slate-700">${m.nameLocal !== m.nameEn ? html`<span lang="${m.locale}">${m.nameLocal}</span> · ` : null}${t('walletRegions', { regions: m.regions.map(regionName).join(', ') })}</span>
</span>
<span aria-hidden="true" class="text-slate-500">›</span>
</button>
</form>
</li>`;

  const wallets =
    d.primary.length + d.other.length === 0
      ? html`<p class="rounded-lg bg-white p-4 text-slate-800 ring-1 ring-slate-200">${t('noWallets')}</p>`
      : html`<section aria-labelledby="wallets">
<h2 id="wallets" class="mb-3 text-lg font-semibold text-slate-900">${d.region && d.other.length ? t('forRegion', { region: regionName(d.region) }) : t('allWallets')}</h2>
<ul class="space-y-3">${d.primary.map(walletButton)}</ul>
</section>
${d.other.length
  ? html`<details class="rounded-xl bg-white p-4 ring-1 ring-slate-200"${d.primary.length === 0 ? html` open` : null}>
<summary class="cursor-pointer font-medium text-slate-900">${t('otherRegions')}</summary>
<ul class="mt-3 space-y-3">${d.other.map(walletButton)}</ul>
</details>`
  : null}
${allRegions.length > 1
  ? html`<form method="get" action="/authorize/${d.token}" class="flex flex-wrap items-end gap-2 text-sm">
${d.lang ? html`<input type="hidden" name="lang" value="${d.lang}">` : null}
${d.app ? html`<input type="hidden" name="app" value="${d.app}">` : null}
<div><label for="region" class="block text-slate-700">${t('region')}</label>
<select id="region" name="region" class="mt-1 rounded-md border border-slate-400 bg-white px-2 py-1">
${allRegions.map((r) => html`<option value="${r}"${r === d.region ? html` selected` : null}>${regionName(r)}</option>`)}
</select></div>
<button type="submit" class="rounded-md border border-slate-400 bg-white px-3 py-1 hover:bg-slate-100">${t('show')}</button>
</form>`
  : null}`;

  return html`<main class="space-y-6">
${languageForm(t, d.locale, `/authorize/${d.token}`, { app: d.app, region: d.explicitRegion })}
<header>
<p class="text-sm font-medium text-blue-800">${d.merchant}</p>
<h1 class="mt-1 text-2xl font-semibold text-slate-900">${t('heading', { merchant: d.merchant })}</h1>
<p class="mt-2 text-slate-800">${t('intro', { merchant: d.merchant })}</p>
</header>
${d.plan
  ? html`<section aria-labelledby="plan" data-testid="plan" class="rounded-xl border-2 border-blue-700 bg-white p-4">
<h2 id="plan" class="font-semibold text-slate-900">${t('plan.title')}</h2>
<p class="mt-1 text-lg font-semibold text-slate-900">${d.plan.line}</p>
<p class="mt-1 text-slate-800">${d.plan.description}</p>
<p class="mt-2 text-sm text-slate-700">${t('plan.note', { merchant: d.merchant })}</p>
<p class="mt-1 text-sm text-slate-700">${t('plan.walletsFor', { currency: d.plan.currency })}</p>
</section>`
  : null}
${d.error ? html`<p role="alert" class="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-red-900">${t(`errors.${d.error.key}`, { wallet: d.error.wallet })}</p>` : null}
<section aria-labelledby="agreeing" class="rounded-xl bg-white p-4 ring-1 ring-slate-200">
<h2 id="agreeing" class="font-semibold text-slate-900">${t('agreeingTitle')}</h2>
<ul class="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-800">
<li>${t('agreeing1', { merchant: d.merchant })}</li><li>${t('agreeing2')}</li><li>${t('agreeing3')}</li>
</ul>
</section>
${wallets}
<footer class="space-y-2 border-t border-slate-200 pt-4 text-sm text-slate-700">
<p>${t('footer')}</p>
<p>${textLink(manageHref, t('manageLink'))}</p>
</footer>
</main>`;
}

/** A link that cannot start an authorization (unknown, expired, revoked, used). */
export function linkProblemView(t: Translate, d: { token: string; locale: string; lang?: string; problem: 'unknown' | 'expired' | 'revoked' | 'used' }) {
  const canManage = d.problem === 'used' || d.problem === 'expired';
  return html`<main class="space-y-6">
${languageForm(t, d.locale, `/authorize/${d.token}`)}
${notice('warning', t(`link.${d.problem}Title`), t(`link.${d.problem}Body`))}
${canManage ? html`<p>${textLink(`/authorize/${d.token}/manage${buyerQuery({ lang: d.lang })}`, t('manageLink'))}</p>` : null}
</main>`;
}
