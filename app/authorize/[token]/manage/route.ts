// GET /authorize/:token/manage — the buyer's plans and active authorizations; POST cancels a plan (and revokes its
// agreement only when asked) or revokes an authorization (then 303 back here).
import { isUuid } from '@/lib/db/is-uuid';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import type { NextRequest } from 'next/server';
import { buyerResponse, seeOther, type Translate } from '@/components/buyer/buyer-document';
import { buyerQuery } from '@/components/buyer/language-form';
import { manageView } from '@/components/buyer/manage-view';
import { notice } from '@/components/buyer/notice';
import { isLocale } from '@/i18n/locales';
import { getAgreementDeps } from '@/lib/agreements/app-deps';
import { listActiveCustomerAgreements } from '@/lib/agreements/list-customer-agreements';
import { revokeAgreement } from '@/lib/agreements/revoke-agreement';
import { getPaymentMethod } from '@/lib/alipay';
import { isSameOriginPost, readSmallForm } from '@/lib/buyer/same-origin';
import { resolveAuthorizationLink, type ResolvedLink } from '@/lib/customers/resolve-authorization-link';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { html } from '@/lib/html/html';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { cancelScheduleByBuyer, listBuyerSchedules } from '@/lib/schedules/manage-schedule';
import { longDateAt, planEvery } from '@/lib/schedules/plan-words';

export const dynamic = 'force-dynamic';

/** Self-service stays reachable after the link is used or expired; a revoked or unknown link shows nothing. */
function customerOf(resolved: ResolvedLink) {
  if (resolved.ok) return resolved.customer;
  return resolved.problem === 'used' || resolved.problem === 'expired' ? resolved.customer : undefined;
}

export async function GET(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const q = request.nextUrl.searchParams;
  const lang = isLocale(q.get('lang')) ? q.get('lang')! : undefined;
  const t = (await getTranslations('buyer')) as unknown as Translate;
  const locale = await getLocale();
  const db = await getDb();
  const resolved = await resolveAuthorizationLink(db, token);
  const customer = customerOf(resolved);
  if (!customer) return buyerResponse({ locale, title: t('link.unknownTitle'), body: html`<main>${notice('warning', t('link.unknownTitle'), t('link.unknownBody'))}</main>`, status: 404 });
  const format = await getFormatter();
  const [settings, rows, schedules] = await Promise.all([getMerchantSettings(db), listActiveCustomerAgreements(db, customer.id), listBuyerSchedules(db, customer.id)]);
  const canceled = q.get('canceled');
  return buyerResponse({
    locale,
    title: t('manage.title', { merchant: settings.merchantName }),
    body: manageView(t, {
      token,
      locale,
      lang,
      merchant: settings.merchantName,
      revoked: q.get('revoked') === '1',
      failed: q.get('error') === 'revoke',
      planCanceled: canceled === 'plan' || canceled === 'both' ? canceled : '',
      planFailed: q.get('error') === 'cancel',
      plans: schedules.map((s) => ({
        id: s.id,
        line: planEvery(t, s, locale),
        description: s.description,
        status: s.status,
        nextDate: s.nextDueAt && (s.status === 'ACTIVE' || s.status === 'PAST_DUE') ? longDateAt(s.nextDueAt, s.timeZone, locale) : null,
        wallet: getPaymentMethod(s.paymentMethod)?.nameEn ?? s.paymentMethod,
      })),
      canLinkMore: resolved.ok,
      rows: rows.map((r) => ({
        id: r.id,
        code: r.paymentMethod,
        method: getPaymentMethod(r.paymentMethod),
        login: r.userLoginIdMasked,
        since: r.activatedAt ? format.dateTime(r.activatedAt, { dateStyle: 'medium' }) : null,
      })),
    }),
  });
}

export async function POST(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (!isSameOriginPost(request, env().APP_URL)) return new Response('Cross-site form posts are not accepted.', { status: 403 });
  const form = await readSmallForm(request);
  const lang = isLocale(form?.lang) ? form.lang : undefined;
  const deps = await getAgreementDeps();
  const customer = customerOf(await resolveAuthorizationLink(deps.db, token));
  if (form?.scheduleId !== undefined) {
    // Cancel a plan; revoke its agreement only when the buyer ticked that box.
    const scheduleId = form.scheduleId;
    if (!customer || !isUuid(scheduleId)) return seeOther(`/authorize/${token}/manage${buyerQuery({ lang, error: 'cancel' })}`, request.url);
    const canceled = await cancelScheduleByBuyer(deps.db, { scheduleId, customerId: customer.id });
    if (!canceled.ok) return seeOther(`/authorize/${token}/manage${buyerQuery({ lang, error: 'cancel' })}`, request.url);
    if (form.revokeAgreement !== '1') return seeOther(`/authorize/${token}/manage${buyerQuery({ lang, canceled: 'plan' })}`, request.url);
    const revoked = await revokeAgreement(deps, { agreementId: canceled.data.agreementId, by: { kind: 'buyer', customerId: customer.id } });
    return seeOther(`/authorize/${token}/manage${buyerQuery(revoked.ok ? { lang, canceled: 'both' } : { lang, canceled: 'plan', error: 'revoke' })}`, request.url);
  }
  const agreementId = form?.agreementId ?? '';
  if (!customer || !isUuid(agreementId)) return seeOther(`/authorize/${token}/manage${buyerQuery({ lang, error: 'revoke' })}`, request.url);
  const result = await revokeAgreement(deps, { agreementId, by: { kind: 'buyer', customerId: customer.id } });
  return seeOther(`/authorize/${token}/manage${buyerQuery(result.ok ? { lang, revoked: '1' } : { lang, error: 'revoke' })}`, request.url);
}
