// GET /authorize/result/:agreementId — the outcome after the wallet, shown only to the browser that started it.
import { getLocale, getTranslations } from 'next-intl/server';
import type { NextRequest } from 'next/server';
import { buyerResponse, type Translate } from '@/components/buyer/buyer-document';
import { resultNotFoundView, resultView } from '@/components/buyer/result-views';
import { isLocale } from '@/i18n/locales';
import { getAgreementDeps } from '@/lib/agreements/app-deps';
import { getBuyerAgreement } from '@/lib/agreements/get-buyer-agreement';
import { getPaymentMethod } from '@/lib/alipay';
import { readBuyerBinding } from '@/lib/buyer/buyer-cookie';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest, { params }: { params: Promise<{ agreementId: string }> }) {
  const { agreementId } = await params;
  const lang = request.nextUrl.searchParams.get('lang');
  const t = (await getTranslations('buyer')) as unknown as Translate;
  const locale = await getLocale();
  const deps = await getAgreementDeps();
  const agreement = await getBuyerAgreement(deps.db, deps.vault, agreementId, await readBuyerBinding());
  if (!agreement) return buyerResponse({ locale, title: t('result.notFoundTitle'), body: resultNotFoundView(t), status: 404 });
  const { merchantName } = await getMerchantSettings(deps.db);
  const wallet = getPaymentMethod(agreement.paymentMethod)?.nameEn ?? agreement.paymentMethod;
  return buyerResponse({
    locale,
    title: t('pageTitle'),
    body: resultView(t, { status: agreement.status, wallet, merchant: merchantName, login: agreement.userLoginIdMasked, linkToken: agreement.linkToken, lang: isLocale(lang) ? lang : undefined }),
  });
}
