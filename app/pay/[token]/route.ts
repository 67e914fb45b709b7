// GET /pay/:token — the buyer's one-click confirm page, then (same URL) the result page following the payment.
import { getLocale, getTranslations } from 'next-intl/server';
import type { NextRequest } from 'next/server';
import { buyerResponse, seeOther, type Translate } from '@/components/buyer/buyer-document';
import { paymentConfirmView, paymentProblemView, paymentResultView } from '@/components/buyer/payment-views';
import { isLocale } from '@/i18n/locales';
import { formatAmount } from '@/lib/money';
import { getPaymentDeps } from '@/lib/payments/app-deps';
import { getBuyerPayment } from '@/lib/payments/get-buyer-payment';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const q = request.nextUrl.searchParams;
  const lang = isLocale(q.get('lang')) ? q.get('lang')! : undefined;
  const deps = await getPaymentDeps();
  const found = await getBuyerPayment(deps.db, deps.vault, token);
  if (found.ok && !lang && isLocale(found.data.preferredLanguage)) return seeOther(`/pay/${token}?lang=${found.data.preferredLanguage}`, request.url);
  const t = (await getTranslations('buyer')) as unknown as Translate;
  const locale = await getLocale();
  if (!found.ok) {
    const merchant = (await getMerchantSettings(deps.db)).merchantName;
    return buyerResponse({ locale, title: t('pay.unknownTitle'), body: paymentProblemView(t, { problem: 'unknown', merchant, wallet: '' }), status: 404 });
  }
  const { payment, merchant, wallet, login, formToken } = found.data;
  const data = { token, locale, lang, amount: formatAmount(payment.amountMinor, payment.currency, locale), merchant, wallet, login, description: payment.description };
  if (payment.status === 'REQUIRES_CONFIRMATION') {
    if (!payment.confirmExpiresAt || payment.confirmExpiresAt <= new Date()) {
      return buyerResponse({ locale, title: t('pay.expiredTitle'), body: paymentProblemView(t, { problem: 'expired', merchant, wallet }), status: 410 });
    }
    return buyerResponse({ locale, title: t('pay.pageTitle'), body: paymentConfirmView(t, { ...data, formToken }) });
  }
  return buyerResponse({ locale, title: t('pay.pageTitle'), body: paymentResultView(t, { ...data, status: payment.status, failureCode: payment.failureCode }) });
}
