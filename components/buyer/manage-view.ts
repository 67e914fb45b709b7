import type { PaymentMethod } from '@/lib/alipay';
import { html } from '@/lib/html/html';
import type { Translate } from './buyer-document';
import { buyerQuery, languageForm } from './language-form';
import { textLink } from './notice';
import { walletMark } from './wallet-mark';

export interface ManageRow {
  id: string;
  method: PaymentMethod | undefined;
  code: string;
  login: string | null;
  since: string | null;
}

/** Buyer self-service: active authorizations, each with a Revoke form. */
export function manageView(t: Translate, d: { token: string; locale: string; lang?: string; merchant: string; rows: ManageRow[]; revoked: boolean; failed: boolean; canLinkMore: boolean }) {
  return html`<main class="space-y-6">
${languageForm(t, d.locale, `/authorize/${d.token}/manage`)}
<header>
<h1 class="text-2xl font-semibold text-slate-900">${t('manage.title', { merchant: d.merchant })}</h1>
<p class="mt-2 text-slate-800">${t('manage.intro', { merchant: d.merchant })}</p>
</header>
${d.revoked ? html`<p role="status" class="rounded-lg border border-green-300 bg-green-50 px-4 py-3 text-green-950">${t('manage.revoked', { merchant: d.merchant })}</p>` : null}
${d.failed ? html`<p role="alert" class="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-red-900">${t('manage.revokeFailed')}</p>` : null}
${d.rows.length === 0
  ? html`<p class="rounded-lg bg-white p-4 text-slate-800 ring-1 ring-slate-200">${t('manage.empty')}</p>`
  : html`<ul class="space-y-3">${d.rows.map((row) => {
      const wallet = row.method?.nameEn ?? row.code;
      return html`<li class="flex flex-wrap items-center gap-4 rounded-xl border border-slate-300 bg-white p-4">
${row.method ? walletMark(row.method) : null}
<div class="flex-1"><p class="font-semibold text-slate-900">${wallet}</p>
<p class="text-sm text-slate-700">${row.login ? `${row.login} · ` : ''}${row.since ? t('manage.since', { date: row.since }) : ''}</p></div>
<form method="post" action="/authorize/${d.token}/manage">
<input type="hidden" name="agreementId" value="${row.id}">
${d.lang ? html`<input type="hidden" name="lang" value="${d.lang}">` : null}
<button type="submit" class="rounded-lg border border-red-300 bg-white px-3 py-2 text-sm font-medium text-red-800 hover:bg-red-50">${t('manage.revoke', { wallet })}</button>
</form>
</li>`;
    })}</ul>`}
${d.canLinkMore ? html`<p>${textLink(`/authorize/${d.token}${buyerQuery({ lang: d.lang })}`, t('manage.back'))}</p>` : null}
</main>`;
}
