import type { PaymentStatus } from '@/lib/db/schema';
import { html, raw } from '@/lib/html/html';
import type { Translate } from './buyer-document';
import { buyerQuery, languageForm } from './language-form';
import { notice } from './notice';

export interface PaymentPageData {
  token: string;
  locale: string;
  lang?: string;
  amount: string;
  merchant: string;
  wallet: string;
  login: string | null;
  description: string;
}

/** "Pay ₱125.00 to <merchant> with GCash n****@…" and one confirm button (a plain form, no JavaScript). */
export function paymentConfirmView(t: Translate, d: PaymentPageData & { formToken: string }) {
  return html`${languageForm(t, d.locale, `/pay/${d.token}`)}
<main class="mt-4 space-y-4">
<section class="rounded-xl border border-slate-300 bg-white p-6">
<h1 class="text-2xl font-semibold text-slate-900" data-testid="pay-heading">${t('pay.heading', { amount: d.amount, merchant: d.merchant })}</h1>
<p class="mt-2 text-slate-800">${t('pay.with', { wallet: d.wallet, login: d.login ?? '' })}</p>
<p class="mt-1 text-sm text-slate-700">${t('pay.forWhat', { description: d.description })}</p>
<form method="post" action="/pay/${d.token}/confirm${buyerQuery({ lang: d.lang })}" class="mt-6">
<input type="hidden" name="formToken" value="${d.formToken}">
${d.lang ? html`<input type="hidden" name="lang" value="${d.lang}">` : null}
<button type="submit" class="w-full rounded-lg bg-blue-700 px-4 py-3 text-lg font-semibold text-white hover:bg-blue-800">${t('pay.confirm')}</button>
</form>
<p class="mt-4 text-sm text-slate-700">${t('pay.note', { merchant: d.merchant })}</p>
</section>
<p class="text-xs text-slate-600">${t('footer')}</p>
</main>`;
}

const PENDING: readonly PaymentStatus[] = ['CREATED', 'PROCESSING', 'UNKNOWN'];

/**
 * The result page, following the payment to its final state: while it is pending the page refreshes itself
 * every 2 s (a meta refresh, no JavaScript), so reloading or coming back later is always safe.
 */
export function paymentResultView(t: Translate, d: PaymentPageData & { status: PaymentStatus; failureCode: string | null }) {
  const vars = { amount: d.amount, merchant: d.merchant, wallet: d.wallet };
  const lang = languageForm(t, d.locale, `/pay/${d.token}`);
  if (PENDING.includes(d.status)) {
    return html`${raw('<meta http-equiv="refresh" content="2">')}${lang}<main class="mt-4" data-testid="pay-result" data-status="pending">${notice('neutral', t('pay.processingTitle'), t('pay.processingBody', vars))}</main>`;
  }
  if (d.status === 'SUCCEEDED') {
    return html`${lang}<main class="mt-4" data-testid="pay-result" data-status="succeeded">${notice('success', t('pay.successTitle'), t('pay.successBody', vars))}</main>`;
  }
  if (d.status === 'CANCELLED') {
    return html`${lang}<main class="mt-4" data-testid="pay-result" data-status="cancelled">${notice('neutral', t('pay.cancelledTitle'), t('pay.cancelledBody', vars))}</main>`;
  }
  const reason =
    d.failureCode === 'USER_BALANCE_NOT_ENOUGH'
      ? t('pay.reasonBalance', vars)
      : d.failureCode === 'USER_STATUS_ABNORMAL' || d.failureCode === 'RISK_REJECT'
        ? t('pay.reasonAccount', vars)
        : null;
  return html`${lang}<main class="mt-4" data-testid="pay-result" data-status="failed">${notice('warning', t('pay.failedTitle'), t('pay.failedBody', vars), reason ? html`<p class="mt-2 text-amber-950">${reason}</p>` : null)}</main>`;
}

export type PaymentProblem = 'unknown' | 'expired' | 'forged' | 'unusable';

/** Why this link or form cannot be used, in the buyer's language. */
export function paymentProblemView(t: Translate, d: { problem: PaymentProblem; merchant: string; wallet: string; token?: string; lang?: string }) {
  const vars = { merchant: d.merchant, wallet: d.wallet };
  const again = d.problem === 'forged' && d.token ? html`<p class="mt-4"><a class="font-medium text-blue-800 underline" href="/pay/${d.token}${buyerQuery({ lang: d.lang })}">${t('pay.pageTitle')}</a></p>` : null;
  return html`<main data-testid="pay-problem" data-problem="${d.problem}">${notice('warning', t(`pay.${d.problem}Title`), t(`pay.${d.problem}Body`, vars), again)}</main>`;
}
