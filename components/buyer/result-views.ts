import type { AgreementStatus } from '@/lib/db/schema';
import { html, raw } from '@/lib/html/html';
import type { Translate } from './buyer-document';
import { buyerQuery } from './language-form';
import { notice, primaryLink, textLink } from './notice';

const PROBLEMS = ['missing_state', 'unknown_state', 'foreign_browser', 'expired_state', 'reused_state', 'code_mismatch', 'link_used', 'link_revoked'] as const;

/** After the wallet: linked, declined, failed, or still finishing (refreshes itself without JavaScript). */
export function resultView(t: Translate, d: { status: AgreementStatus; wallet: string; merchant: string; login: string | null; linkToken: string | null; lang?: string }) {
  const q = buyerQuery({ lang: d.lang });
  const again = d.linkToken ? primaryLink(`/authorize/${d.linkToken}${q}`, t('result.startAgain')) : null;
  if (d.status === 'ACTIVE' || d.status === 'REVOKED' || d.status === 'INVALID') {
    return html`<main class="space-y-4">
${notice('success', t('result.successTitle', { wallet: d.wallet }), t('result.successBody', { merchant: d.merchant, wallet: d.wallet }), d.login ? html`<p class="mt-2 text-sm text-green-950">${t('result.account', { login: d.login })}</p>` : null)}
${d.linkToken ? html`<p>${textLink(`/authorize/${d.linkToken}/manage${q}`, t('manageLink'))}</p>` : null}
</main>`;
  }
  if (d.status === 'APPLYING' || d.status === 'PENDING') {
    return html`${raw('<meta http-equiv="refresh" content="2">')}<main>${notice('neutral', t('result.pendingTitle'), t('result.pendingBody', { wallet: d.wallet }))}</main>`;
  }
  const declined = d.status === 'DECLINED';
  return html`<main class="space-y-4">
${notice('warning', declined ? t('result.declinedTitle', { wallet: d.wallet }) : t('result.failedTitle', { wallet: d.wallet }), declined ? t('result.declinedBody') : t('result.failedBody'))}
${again}
</main>`;
}

export function resultNotFoundView(t: Translate) {
  return html`<main>${notice('warning', t('result.notFoundTitle'), t('result.notFoundBody'))}</main>`;
}

/** Why a return from the wallet was refused, and a way to start again when the link is known. */
export function problemView(t: Translate, d: { reason: string | null; linkToken: string | null; lang?: string }) {
  const key = PROBLEMS.find((p) => p === d.reason) ?? 'unknown_state';
  const linkOk = d.linkToken !== null && /^[A-Za-z0-9_-]{16,64}$/.test(d.linkToken);
  return html`<main class="space-y-4">
${notice('warning', t('problem.title'), t(`problem.${key}`), linkOk ? primaryLink(`/authorize/${d.linkToken}${buyerQuery({ lang: d.lang })}`, t('problem.startAgain')) : html`<p class="mt-2 text-amber-950">${t('problem.askMerchant')}</p>`)}
</main>`;
}
