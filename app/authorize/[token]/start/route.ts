// POST /authorize/:token/start — "Continue with <wallet>": create the attempt, consult, 303 to the wallet.
import type { NextRequest } from 'next/server';
import { seeOther } from '@/components/buyer/buyer-document';
import { buyerQuery } from '@/components/buyer/language-form';
import { isLocale } from '@/i18n/locales';
import { getAgreementDeps } from '@/lib/agreements/app-deps';
import { detectTerminal } from '@/lib/agreements/detect-terminal';
import { isLinkProblemCode, startAuthorization } from '@/lib/agreements/start-authorization';
import { clientIp } from '@/lib/auth/client-ip';
import { ensureBuyerBinding, rememberBuyerLocale } from '@/lib/buyer/buyer-cookie';
import { isSameOriginPost, readSmallForm } from '@/lib/buyer/same-origin';
import { env } from '@/lib/env';

export const dynamic = 'force-dynamic';

export async function POST(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (!isSameOriginPost(request, env().APP_URL)) return new Response('Cross-site form posts are not accepted.', { status: 403 });
  const form = await readSmallForm(request);
  if (!form) return new Response('Bad form.', { status: 400 });
  const lang = isLocale(form.lang) ? form.lang : undefined;
  const app = form.app === '1' ? '1' : undefined;
  const region = /^[A-Z]{2}$/.test(form.region ?? '') ? form.region : undefined;
  const method = /^[A-Z_]{2,32}$/.test(form.method ?? '') ? form.method! : '';

  const buyerBinding = await ensureBuyerBinding();
  if (lang) await rememberBuyerLocale(lang);
  const userAgent = request.headers.get('user-agent');
  const result = await startAuthorization(await getAgreementDeps(), {
    linkToken: token,
    paymentMethod: method,
    buyerBinding,
    terminal: detectTerminal(userAgent, app === '1'),
    userAgent,
    clientIp: clientIp((name) => request.headers.get(name)),
  });
  if (result.ok) return seeOther(result.data.redirectUrl, request.url);
  const error = isLinkProblemCode(result.code) ? undefined : result.code;
  return seeOther(`/authorize/${token}${buyerQuery({ lang, app, region, error: error ?? 'generic', wallet: method })}`, request.url);
}
