// POST /pay/:token/confirm — the one click: confirm once, then 303 to the result page (reload-safe).
import { getLocale, getTranslations } from 'next-intl/server';
import type { NextRequest } from 'next/server';
import { buyerResponse, seeOther, type Translate } from '@/components/buyer/buyer-document';
import { buyerQuery } from '@/components/buyer/language-form';
import { paymentProblemView, type PaymentProblem } from '@/components/buyer/payment-views';
import { isLocale } from '@/i18n/locales';
import { getPaymentMethod, isPaymentMethodCode } from '@/lib/alipay';
import { isSameOriginPost, readSmallForm } from '@/lib/buyer/same-origin';
import { env } from '@/lib/env';
import { getPaymentDeps } from '@/lib/payments/app-deps';
import { confirmPaymentRequest } from '@/lib/payments/confirm-payment-request';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';

export const dynamic = 'force-dynamic';

const STATUS: Record<PaymentProblem, number> = { unknown: 404, expired: 410, forged: 403, unusable: 409 };

export async function POST(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const form = await readSmallForm(request);
  const lang = isLocale(form?.lang) ? form.lang : undefined;
  const deps = await getPaymentDeps();
  // A cross-site or malformed post is treated as a forged form: nothing is confirmed.
  const outcome =
    form && isSameOriginPost(request, env().APP_URL) ? await confirmPaymentRequest(deps, { token, formToken: form.formToken }) : ({ kind: 'forged' } as const);
  if (outcome.kind === 'confirmed' || outcome.kind === 'already_confirmed') return seeOther(`/pay/${token}${buyerQuery({ lang })}`, request.url);
  const problem: PaymentProblem = outcome.kind === 'not_chargeable' ? 'unusable' : outcome.kind;
  const t = (await getTranslations('buyer')) as unknown as Translate;
  const locale = await getLocale();
  const merchant = (await getMerchantSettings(deps.db)).merchantName;
  const code = 'payment' in outcome ? outcome.payment.paymentMethod : '';
  const wallet = isPaymentMethodCode(code) ? (getPaymentMethod(code)?.nameEn ?? code) : code;
  return buyerResponse({ locale, title: t(`pay.${problem}Title`), body: paymentProblemView(t, { problem, merchant, wallet, token: 'payment' in outcome ? token : undefined, lang }), status: STATUS[problem] });
}
