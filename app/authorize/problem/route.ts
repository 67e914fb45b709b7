// GET /authorize/problem — why a return from the wallet was refused, and how to start again.
import { getLocale, getTranslations } from 'next-intl/server';
import type { NextRequest } from 'next/server';
import { buyerResponse, type Translate } from '@/components/buyer/buyer-document';
import { problemView } from '@/components/buyer/result-views';
import { isLocale } from '@/i18n/locales';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  const q = request.nextUrl.searchParams;
  const t = (await getTranslations('buyer')) as unknown as Translate;
  const lang = q.get('lang');
  return buyerResponse({
    locale: await getLocale(),
    title: t('problem.title'),
    body: problemView(t, { reason: q.get('reason'), linkToken: q.get('link'), lang: isLocale(lang) ? lang : undefined }),
    status: 400,
  });
}
