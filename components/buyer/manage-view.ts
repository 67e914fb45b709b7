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

/** One of the buyer's schedules: what it charges, when next, and a cancel form. */
export interface ManagePlanRow {
  id: string;
  line: string;
  description: string;
  status: string;
  nextDate: string | null;
  wallet: string;
}

function planItem(t: Translate, d: { token: string; lang?: string; merchant: string }, plan: ManagePlanRow) {
  const box = `revoke-${plan.id}`;
  return html`<li class="rounded-xl border border-slate-300 bg-white p-4" data-testid="buyer-plan">
<p class="font-semibold text-slate-900">${plan.line}</p>
<p class="text-slate-800">${plan.description}</p>
<p class="mt-1 text-sm text-slate-700">${t('manage.status', { status: plan.status })} · ${t('manage.paidWith', { wallet: plan.wallet })}</p>
<p class="mt-1 text-sm font-medium text-slate-900">${plan.nextDate ? t('manage.nextCharge', { date: plan.nextDate }) : t('manage.noNextCharge')}</p>
<form method="post" action="/authorize/${d.token}/manage" class="mt-3 space-y-3">
<input type="hidden" name="scheduleId" value="${plan.id}">
${d.lang ? html`<input type="hidden" name="lang" value="${d.lang}">` : null}
<p class="flex items-start gap-2 text-sm text-slate-800"><input type="checkbox" id="${box}" name="revokeAgreement" value="1" class="mt-1 h-5 w-5 shrink-0">
<label for="${box}">${t('manage.alsoRevoke', { wallet: plan.wallet, merchant: d.merchant })}</label></p>
<button type="submit" class="w-full rounded-lg border border-red-300 bg-white px-3 py-3 text-sm font-medium text-red-800 hover:bg-red-50 sm:w-auto">${t('manage.cancelPlan')}</button>
</form>
</li>`;
}

/** Buyer self-service: their plans (each with a cancel form) and active authorizations (each with a Revoke form). */
export function manageView(
  t: Translate,
  d: { token: string; locale: string; lang?: string; merchant: string; rows: ManageRow[]; plans: ManagePlanRow[]; revoked: boolean; failed: boolean; planCanceled: '' | 'plan' | 'both'; planFailed: boolean; canLinkMore: boolean },
) {
  return html`<main class="space-y-6">
${languageForm(t, d.locale, `/authorize/${d.token}/manage`)}
<header>
<h1 class="text-2xl font-semibold text-slate-900">${t('manage.title', { merchant: d.merchant })}</h1>
<p class="mt-2 text-slate-800">${t('manage.intro', { merchant: d.merchant })}</p>
</header>
${d.revoked ? html`<p role="status" class="rounded-lg border border-green-300 bg-green-50 px-4 py-3 text-green-950">${t('manage.revoked', { merchant: d.merchant })}</p>` : null}
${d.failed ? html`<p role="alert" class="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-red-900">${t('manage.revokeFailed')}</p>` : null}
${d.planCanceled ? html`<p role="status" class="rounded-lg border border-green-300 bg-green-50 px-4 py-3 text-green-950">${t(d.planCanceled === 'both' ? 'manage.planCanceledRevoked' : 'manage.planCanceled')}</p>` : null}
${d.planFailed ? html`<p role="alert" class="rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-red-900">${t('manage.cancelFailed')}</p>` : null}
${d.plans.length > 0
  ? html`<section aria-labelledby="plans" class="space-y-3">
<h2 id="plans" class="text-lg font-semibold text-slate-900">${t('manage.plansTitle')}</h2>
<ul class="space-y-3">${d.plans.map((p) => planItem(t, d, p))}</ul>
</section>`
  : null}
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
