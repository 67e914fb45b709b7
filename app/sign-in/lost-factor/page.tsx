import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { LocaleSwitcher } from '@/components/locale-switcher';

export const metadata: Metadata = { title: 'Lost your authenticator?' };

// GET /sign-in/lost-factor — what to do without the phone. Nothing is emailed: no secret, code or link ever
// leaves by email; another admin resets the factor (Settings → Staff), which is audited.
export default async function LostFactorPage() {
  const t = await getTranslations('twoFactor');
  const common = await getTranslations('common');
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md space-y-6">
        <div className="text-center">
          <p className="text-sm font-semibold tracking-wide text-blue-800">{common('appName')}</p>
          <h1 className="mt-2 text-2xl font-semibold">{t('lostTitle')}</h1>
        </div>
        <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-800 shadow-sm">
          <p>{t('lostRecovery')}</p>
          <p>{t('lostAskAdmin')}</p>
          <p className="font-medium">{t('lostNoEmail')}</p>
          <p>
            <Link href="/sign-in/two-factor" className="text-blue-800 underline">
              {t('lostBack')}
            </Link>
          </p>
        </div>
        <LocaleSwitcher />
      </div>
    </main>
  );
}
