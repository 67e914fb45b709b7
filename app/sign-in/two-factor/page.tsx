import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import QRCode from 'qrcode';
import { SignOutButton } from '@/components/dashboard/sign-out-button';
import { LocaleSwitcher } from '@/components/locale-switcher';
import { StaffIntlProvider } from '@/components/staff-intl-provider';
import { getStaffSession } from '@/lib/auth/current-actor';
import { getTokenVault } from '@/lib/crypto/app-vault';
import { getDb } from '@/lib/db';
import { startEnrollment } from '@/lib/staff/two-factor/two-factor';
import { EnrollForm, VerifyForm } from './two-factor-forms';

export const metadata: Metadata = { title: 'Second factor' };
export const dynamic = 'force-dynamic';

// GET /sign-in/two-factor — after the password: enroll an authenticator app (QR + secret, then ten recovery
// codes shown once) or enter a code. A session that owes this step can do nothing else.
export default async function TwoFactorPage() {
  const session = await getStaffSession();
  if (!session) redirect('/sign-in');
  if (session.secondFactor === 'ok') redirect('/dashboard');
  const t = await getTranslations('twoFactor');
  const common = await getTranslations('common');
  let enrollment: { secret: string; svg: string } | null = null;
  if (session.secondFactor === 'enroll') {
    const started = await startEnrollment({ db: await getDb(), vault: getTokenVault() }, session.actor);
    if (!started.ok) redirect('/sign-in/two-factor');
    const svg = await QRCode.toString(started.data.uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    enrollment = { secret: started.data.secret, svg };
  }
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md space-y-6">
        <div className="text-center">
          <p className="text-sm font-semibold tracking-wide text-blue-800">{common('appName')}</p>
          <h1 className="mt-2 text-2xl font-semibold">{enrollment ? t('enrollTitle') : t('verifyTitle')}</h1>
          <p className="mt-1 text-sm text-slate-700">{enrollment ? t('enrollIntro') : t('verifyIntro')}</p>
        </div>
        <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          {enrollment ? (
            <>
              <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-800">
                <li>{t('enrollStep1')}</li>
                <li>{t('enrollStep2')}</li>
                <li>{t('enrollStep3')}</li>
              </ol>
              <figure className="flex flex-col items-center gap-2">
                <div role="img" aria-label={t('qrLabel')} className="h-48 w-48" dangerouslySetInnerHTML={{ __html: enrollment.svg }} />
                <figcaption className="text-center text-xs text-slate-700">
                  {t('secretLabel')}{' '}
                  <code className="break-all font-mono text-sm text-slate-900" data-testid="totp-secret">
                    {enrollment.secret}
                  </code>
                </figcaption>
              </figure>
              <StaffIntlProvider>
                <EnrollForm />
              </StaffIntlProvider>
            </>
          ) : (
            <>
              <StaffIntlProvider>
                <VerifyForm />
              </StaffIntlProvider>
              <p className="text-sm">
                <Link href="/sign-in/lost-factor" className="text-blue-800 underline">
                  {t('lostLink')}
                </Link>
              </p>
            </>
          )}
          <SignOutButton label={t('signOut')} />
        </div>
        <LocaleSwitcher />
      </div>
    </main>
  );
}
