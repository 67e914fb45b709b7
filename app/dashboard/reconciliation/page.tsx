import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaff } from '@/lib/auth/current-actor';

export const metadata: Metadata = { title: 'Reconciliation' };

// GET /dashboard/reconciliation — list (filled in by its own issue; until then, what will appear here).
export default async function Page() {
  await requireStaff('dashboard.read');
  const t = await getTranslations('reconciliation');
  return (
    <>
      <PageHeader title={t('title')} />
      <EmptyState title={t('emptyTitle')} body={t('emptyBody')} />
    </>
  );
}
