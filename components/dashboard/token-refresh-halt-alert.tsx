import { zonedTimeText } from '@/components/ui/zoned-time';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getTokenRefreshHalt } from '@/lib/agreements/token-refresh-halt';
import { getDb } from '@/lib/db';

/**
 * The one alert for a stop on token refreshes (a merchant-side configuration code from Antom), on the
 * Overview and in Developers; `children` is where the resume control goes (Developers, admins).
 */
export async function TokenRefreshHaltAlert({ linkToDevelopers = false, children }: { linkToDevelopers?: boolean; children?: React.ReactNode }) {
  const halt = await getTokenRefreshHalt(await getDb());
  if (!halt) return null;
  const t = await getTranslations('tokenRefreshHalt');
  return (
    <section role="alert" aria-labelledby="token-refresh-halt" data-testid="token-refresh-halt" className="mb-6 rounded-lg border border-red-300 bg-red-50 p-4 text-red-900">
      <h2 id="token-refresh-halt" className="text-base font-semibold">
        {t('title')}
      </h2>
      <p className="mt-1 text-sm">{t('body', { code: halt.code, at: await zonedTimeText(halt.at) })}</p>
      <p className="mt-1 text-sm text-red-800">{t('detail', { message: halt.message })}</p>
      {linkToDevelopers ? (
        <p className="mt-2 text-sm">
          <Link href="/dashboard/developers" className="font-medium underline">
            {t('where')}
          </Link>
        </p>
      ) : null}
      {children}
    </section>
  );
}
