'use client';

import { useRouter } from 'next/navigation';
import { signIn } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';

export function SignInForm() {
  const t = useTranslations('signIn');
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    startTransition(async () => {
      const result = await signIn('credentials', {
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        redirect: false,
      });
      // One message for unknown user, wrong password and locked account alike.
      if (!result || result.error || !result.ok) {
        setError(t('failed'));
        return;
      }
      router.replace('/dashboard');
      router.refresh();
    });
  }

  return (
    // method/action matter only before hydration: a click then posts to next-auth (refused without its CSRF
    // cookie) instead of a GET that would put the password in the address bar.
    <form onSubmit={onSubmit} method="post" action="/api/auth/callback/credentials" className="space-y-4" noValidate>
      <TextField id="email" name="email" type="email" label={t('email')} autoComplete="username" required />
      <TextField id="password" name="password" type="password" label={t('password')} autoComplete="current-password" required />
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? t('submitting') : t('submit')}
      </Button>
    </form>
  );
}
