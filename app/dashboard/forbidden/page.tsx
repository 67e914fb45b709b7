import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requireStaff } from '@/lib/auth/current-actor';

export const metadata: Metadata = { title: 'No access' };

// GET /dashboard/forbidden — where a signed-in user lands when their role lacks a page's permission.
export default async function ForbiddenPage() {
  await requireStaff();
  const t = await getTranslations('forbidden');
  return (
    <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-6">
      <h1 className="text-xl font-semibold text-amber-950">{t('title')}</h1>
      <p className="mt-2 text-sm text-amber-950">{t('body')}</p>
    </div>
  );
}
