'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useActionState, useEffect } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { confirmEnrollmentAction, verifySecondFactorAction } from './actions';

type Failure = { ok: false; code: string; error: string };

/** The failure in the reader's language when there are words for its code, else the server's sentence. */
function useErrorText() {
  const t = useTranslations('twoFactor.errors');
  return (state: Failure) => (t.has(state.code) ? t(state.code) : state.error);
}

/** First code from the app; then the ten recovery codes, shown this once. */
export function EnrollForm() {
  const t = useTranslations('twoFactor');
  const errorText = useErrorText();
  const [state, action, pending] = useActionState(confirmEnrollmentAction, null);
  if (state?.ok) {
    return (
      <section aria-labelledby="recovery-heading" className="space-y-3" data-testid="recovery-codes">
        <h2 id="recovery-heading" className="text-lg font-semibold">
          {t('recoveryTitle')}
        </h2>
        <p className="text-sm text-slate-800">{t('recoveryIntro')}</p>
        <ol className="grid grid-cols-1 gap-1 font-mono text-sm sm:grid-cols-2">
          {state.data.recoveryCodes.map((code) => (
            <li key={code} data-testid="recovery-code">
              {code}
            </li>
          ))}
        </ol>
        <Link href="/dashboard" data-testid="recovery-continue" className="inline-flex min-h-10 items-center rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800">
          {t('recoveryDone')}
        </Link>
      </section>
    );
  }
  return (
    <form action={action} className="space-y-3">
      <TextField id="totp-code" name="code" label={t('codeLabel')} hint={t('codeHint')} inputMode="numeric" autoComplete="one-time-code" required maxLength={6} errors={state && !state.ok ? [errorText(state)] : undefined} />
      <Button type="submit" className="w-full" disabled={pending} data-testid="two-factor-submit">
        {pending ? t('submitting') : t('enrollSubmit')}
      </Button>
    </form>
  );
}

/** A TOTP code or a recovery code; on success the dashboard. */
export function VerifyForm() {
  const t = useTranslations('twoFactor');
  const errorText = useErrorText();
  const router = useRouter();
  const [state, action, pending] = useActionState(verifySecondFactorAction, null);
  useEffect(() => {
    if (state?.ok) {
      router.replace('/dashboard');
      router.refresh();
    }
  }, [state, router]);
  return (
    <form action={action} className="space-y-3">
      <TextField
        id="totp-code"
        name="code"
        label={t('verifyLabel')}
        hint={t('verifyHint')}
        autoComplete="one-time-code"
        required
        maxLength={64}
        errors={state && !state.ok ? [errorText(state)] : undefined}
      />
      {state?.ok ? (
        <p role="status" className="text-sm text-green-800">
          {state.data.method === 'recovery' ? t('recoveryUsed', { left: state.data.recoveryCodesLeft ?? 0 }) : t('verified')}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending} data-testid="two-factor-submit">
        {pending ? t('submitting') : t('verifySubmit')}
      </Button>
    </form>
  );
}
