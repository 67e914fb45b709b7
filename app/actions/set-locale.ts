'use server';

import { cookies } from 'next/headers';
import { DASHBOARD_LOCALES, LOCALE_COOKIE } from '@/i18n/locales';

/** Remembers the chosen dashboard language (en or zh-CN) in a cookie; anything else is ignored. */
export async function setLocaleAction(formData: FormData): Promise<void> {
  // A public endpoint: a caller may send anything (["x"], nothing) instead of the form.
  if (!(formData instanceof FormData)) return;
  const locale = String(formData.get('locale') ?? '');
  if (!(DASHBOARD_LOCALES as readonly string[]).includes(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 60 * 60 * 24 * 365 });
}
