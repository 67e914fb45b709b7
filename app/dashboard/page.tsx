import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaff } from '@/lib/auth/current-actor';

export const metadata: Metadata = { title: 'Overview' };

// GET /dashboard — overview.
export default async function OverviewPage() {
  await requireStaff('dashboard.read');
  const t = await getTranslations('overview');
  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')} />
      <EmptyState title={t('emptyTitle')} body={t('emptyBody')} />
    </>
  );
}
