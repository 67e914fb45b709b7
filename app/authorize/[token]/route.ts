// GET /authorize/:token — the buyer's wallet picker: plain HTML, no JavaScript, region-ordered wallets.
import { getLocale, getTranslations } from 'next-intl/server';
import type { NextRequest } from 'next/server';
import { buyerResponse, seeOther, type Translate } from '@/components/buyer/buyer-document';
import { linkProblemView, walletPickerView } from '@/components/buyer/wallet-picker-view';
import { isLocale } from '@/i18n/locales';
import { orderWalletsForRegion, resolveBuyerRegion } from '@/lib/buyer/buyer-region';
import { resolveAuthorizationLink } from '@/lib/customers/resolve-authorization-link';
import { getDb } from '@/lib/db';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { getPaymentMethod, isPaymentMethodCode } from '@/lib/alipay';
import { planFirstDate } from '@/lib/schedules/link-plan';
import { planLine } from '@/lib/schedules/plan-words';

export const dynamic = 'force-dynamic';
const ERROR_KEYS = ['consult_failed', 'consult_unavailable', 'method_not_offered', 'terminal_unsupported', 'too_many_attempts'];

export async function GET(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const q = request.nextUrl.searchParams;
  const lang = isLocale(q.get('lang')) ? q.get('lang')! : undefined;
  const app = q.get('app') === '1' ? '1' : undefined;
  const db = await getDb();
  const resolved = await resolveAuthorizationLink(db, token);
  // First visit: the customer's preferred language, kept in the URL from then on.
  if (!lang && isLocale(resolved.customer?.preferredLanguage)) {
    const next = new URLSearchParams(q);
    next.set('lang', resolved.customer.preferredLanguage);
    return seeOther(`/authorize/${token}?${next.toString()}`, request.url);
  }
  const t = (await getTranslations('buyer')) as unknown as Translate;
  const locale = await getLocale();
  if (!resolved.ok) {
    return buyerResponse({ locale, title: t(`link.${resolved.problem}Title`), body: linkProblemView(t, { token, locale, lang, problem: resolved.problem }), status: resolved.problem === 'unknown' ? 404 : 410 });
  }
  const settings = await getMerchantSettings(db);
  const explicitRegion = q.get('region')?.toUpperCase() || undefined;
  const region = resolveBuyerRegion({
    explicit: explicitRegion,
    customerCountry: resolved.customer.country,
    geoCountry: request.headers.get('cf-ipcountry') ?? request.headers.get('x-vercel-ip-country'),
    acceptLanguage: request.headers.get('accept-language'),
  });
  const plan = resolved.link.plan;
  // A plan charges one currency: only the wallets that pay in it are offered.
  const offered = plan ? settings.contractedMethods.filter((code) => isPaymentMethodCode(code) && getPaymentMethod(code)?.currency === plan.currency) : settings.contractedMethods;
  const { primary, other } = orderWalletsForRegion(offered, region);
  const error = q.get('error');
  const errorWallet = [...primary, ...other].find((m) => m.code === q.get('wallet'));
  return buyerResponse({
    locale,
    title: t('pageTitle'),
    body: walletPickerView(t, {
      token,
      locale,
      merchant: settings.merchantName,
      lang,
      app,
      explicitRegion: explicitRegion && /^[A-Z]{2}$/.test(explicitRegion) ? explicitRegion : undefined,
      region,
      primary,
      other,
      plan: plan
        ? { line: planLine(t, plan, planFirstDate(plan, new Date()) ?? plan.startDate, locale), description: plan.description, currency: plan.currency }
        : undefined,
      error: error ? { key: ERROR_KEYS.includes(error) ? error : 'generic', wallet: errorWallet?.nameEn ?? '' } : undefined,
    }),
  });
}

