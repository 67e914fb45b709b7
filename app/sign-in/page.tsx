import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { getCurrentActor } from '@/lib/auth/current-actor';
import { LocaleSwitcher } from '@/components/locale-switcher';
import { StaffIntlProvider } from '@/components/staff-intl-provider';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

// GET /sign-in — staff sign-in; already signed-in staff go straight to the dashboard.
export default async function SignInPage() {
  if (await getCurrentActor()) redirect('/dashboard');
  const t = await getTranslations('signIn');
  const common = await getTranslations('common');
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="text-center">
          <p className="text-sm font-semibold tracking-wide text-blue-800">{common('appName')}</p>
          <h1 className="mt-2 text-2xl font-semibold">{t('title')}</h1>
          <p className="mt-1 text-sm text-slate-700">{t('subtitle')}</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <StaffIntlProvider>
            <SignInForm />
          </StaffIntlProvider>
        </div>
        <LocaleSwitcher />
      </div>
    </main>
  );
}
