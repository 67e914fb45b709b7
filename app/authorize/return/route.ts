// GET /authorize/return — authRedirectUrl: the wallet sends the buyer back here with authCode and authState.
import { cookies } from 'next/headers';
import type { NextRequest } from 'next/server';
import { seeOther } from '@/components/buyer/buyer-document';
import { buyerQuery } from '@/components/buyer/language-form';
import { isLocale } from '@/i18n/locales';
import { getAgreementDeps } from '@/lib/agreements/app-deps';
import { completeAuthorizationReturn } from '@/lib/agreements/complete-authorization-return';
import { BUYER_LOCALE_COOKIE, readBuyerBinding } from '@/lib/buyer/buyer-cookie';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const outcome = await completeAuthorizationReturn(await getAgreementDeps(), {
    authState: params.get('authState'),
    authCode: params.get('authCode'),
    buyerBinding: await readBuyerBinding(),
  });
  const cookieLang = (await cookies()).get(BUYER_LOCALE_COOKIE)?.value;
  const lang = isLocale(cookieLang) ? cookieLang : undefined;
  // 303 to a page of its own: reloading the result never repeats this step.
  if (outcome.ok) return seeOther(`/authorize/result/${outcome.agreement.id}${buyerQuery({ lang })}`, request.url);
  return seeOther(`/authorize/problem${buyerQuery({ lang, reason: outcome.problem, link: outcome.linkToken ?? undefined })}`, request.url);
}
