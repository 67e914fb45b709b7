import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { FilteredList } from '@/components/dashboard/filtered-list';
import { ListFilterForm } from '@/components/dashboard/list-filter-form';
import { ListPagination } from '@/components/dashboard/list-pagination';
import { DataTable } from '@/components/ui/data-table';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { getViewerZone } from '@/lib/time/viewer-zone';
import { parseListFilters } from '@/lib/lists/parse-list-filters';
import { formatAmount } from '@/lib/money';
import { querySchedules, SCHEDULE_STATUSES } from '@/lib/schedules/list-schedules';
import { WalletName } from '../agreements/wallet-name';
import { ScheduleStatusBadge } from './schedule-status-badge';

export const metadata: Metadata = { title: 'Schedules' };

// GET /dashboard/schedules — billing schedules filtered by the URL (?status, q = schedule / agreement id or customer
// reference, sort = newest|oldest, after = keyset cursor).
export default async function SchedulesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireStaff('dashboard.read');
  const t = await getTranslations('schedules');
  const parsed = parseListFilters(await searchParams, { statuses: SCHEDULE_STATUSES, zone: await getViewerZone() });
  const { filters } = parsed;
  const page = await querySchedules(await getDb(), filters, 25);
  return (
    <FilteredList
      title={t('title')}
      intro={t('intro')}
      empty={{ title: t('emptyTitle'), body: t('emptyBody'), href: '/dashboard/agreements', linkText: t('toAgreements') }}
      parsed={parsed}
      rowCount={page.items.length}
      filterForm={
        <ListFilterForm
          action="/dashboard/schedules"
          fields={['q', 'status', 'sort']}
          filters={filters}
          issues={parsed.ok ? [] : parsed.issues}
          statuses={SCHEDULE_STATUSES}
          statusNamespace="schedules.status"
          sorts={['newest', 'oldest']}
        />
      }
      pagination={<ListPagination path="/dashboard/schedules" filters={filters} nextCursor={page.nextCursor} exportList="schedules" />}
    >
      <DataTable caption={t('caption')} columns={[t('customer'), t('wallet'), t('statusColumn'), t('amount'), t('nextCharge')]}>
        {page.items.map((s) => (
          <tr key={s.id} data-testid="schedule-row">
            <td className="px-4 py-3">
              <Link href={`/dashboard/schedules/${s.id}`} className="font-medium text-blue-800 underline">
                {s.customerName}
              </Link>
              <div className="text-xs text-slate-700">{s.description}</div>
            </td>
            <td className="px-4 py-3">
              <WalletName code={s.paymentMethod} />
            </td>
            <td className="px-4 py-3">
              <ScheduleStatusBadge status={s.status} label={t(`status.${s.status}`)} />
            </td>
            <td className="whitespace-nowrap px-4 py-3 font-mono">{formatAmount(s.amountMinor, s.currency)}</td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-800">
              <ZonedTime value={s.nextDueAt} />
            </td>
          </tr>
        ))}
      </DataTable>
    </FilteredList>
  );
}
