import { zoneName } from '@/lib/time/zone';
import { getViewerZone } from '@/lib/time/viewer-zone';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { FilterProblems } from '@/components/dashboard/list-pagination';
import { PageHeader } from '@/components/ui/page-header';
import { AGREEMENT_STATUSES } from '@/lib/agreements/list-agreements';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { countExportRows, isExportList } from '@/lib/export/export-list-csv';
import { filtersToQuery, parseListFilters } from '@/lib/lists/parse-list-filters';
import { PAYMENT_STATUSES } from '@/lib/payments/list-payments';
import { REFUND_STATUSES } from '@/lib/refunds/list-refunds';
import { SCHEDULE_STATUSES } from '@/lib/schedules/list-schedules';

export const metadata: Metadata = { title: 'Export' };

const STATUSES = { payments: PAYMENT_STATUSES, refunds: REFUND_STATUSES, agreements: AGREEMENT_STATUSES, customers: [] as string[], schedules: SCHEDULE_STATUSES };

// GET /dashboard/export/{list}?<filters> — how many rows the filtered list has, and the streamed CSV download of it.
export default async function ExportPage({ params, searchParams }: { params: Promise<{ list: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireStaff('dashboard.read');
  const { list } = await params;
  if (!isExportList(list)) notFound();
  const t = await getTranslations('export');
  const nav = await getTranslations('nav');
  const format = await getFormatter();
  const parsed = parseListFilters(await searchParams, { statuses: STATUSES[list], zone: await getViewerZone() });
  const query = filtersToQuery(parsed.filters).toString();
  const back = `/dashboard/${list}${query ? `?${query}` : ''}`;
  if (!parsed.ok) {
    return (
      <>
        <PageHeader title={t('title', { list: nav(list) })} />
        <FilterProblems count={parsed.issues.length} />
        <Link href={back} className="font-medium text-blue-800 underline">
          {t('back')}
        </Link>
      </>
    );
  }
  const total = await countExportRows(await getDb(), actor, list, parsed.filters);
  return (
    <>
      <PageHeader title={t('title', { list: nav(list) })} intro={t('intro')} />
      <div className="max-w-2xl space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <p className="text-base text-slate-900" data-testid="export-count">
          {t('rows', { count: total, formatted: format.number(total) })}
        </p>
        {total > 0 ? (
          <>
            <a href={`/api/export/${list}${query ? `?${query}` : ''}`} download className="inline-flex min-h-10 items-center rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800">
              {t('download')}
            </a>
            <p className="text-sm text-slate-700">{t('progress')}</p>
          </>
        ) : (
          <p className="text-sm text-slate-700">{t('nothing')}</p>
        )}
        <p className="text-sm text-slate-700">{t('columns', { zone: zoneName(parsed.filters.zone) })}</p>
        <Link href={back} className="inline-block text-sm font-medium text-blue-800 underline">
          {t('back')}
        </Link>
      </div>
    </>
  );
}
