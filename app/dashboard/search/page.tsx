import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { searchById } from '@/lib/search/search-by-id';

export const metadata: Metadata = { title: 'Search' };

// GET /dashboard/search?q= — the header search box: one match opens the object, several are listed, none says what can be searched.
export default async function SearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireStaff('dashboard.read');
  const t = await getTranslations('search');
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
  if (q.length > 128) {
    return (
      <>
        <PageHeader title={t('title')} />
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {t('tooLong')}
        </p>
      </>
    );
  }
  const hits = q ? await searchById(await getDb(), q) : [];
  if (hits.length === 1) redirect(hits[0]!.href);
  return (
    <>
      <PageHeader title={q ? t('resultsFor', { q }) : t('title')} />
      {hits.length === 0 ? (
        <EmptyState title={q ? t('noneTitle') : t('emptyTitle')} body={t('help')} />
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label={t('results')}>
          {hits.map((hit) => (
            <li key={`${hit.kind}-${hit.id}`} className="px-4 py-3" data-testid="search-hit">
              <Link href={hit.href} className="font-medium text-blue-800 underline">
                {t(`kind.${hit.kind}`)}: <span className="font-mono">{hit.label}</span>
              </Link>
              <div className="text-xs text-slate-700">{t('matched', { field: t(`field.${hit.matched}`) })}</div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
