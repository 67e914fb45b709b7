import { getViewerZone } from '@/lib/time/viewer-zone';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { Amount } from '@/components/dashboard/amount';
import { ListFilterForm } from '@/components/dashboard/list-filter-form';
import { FilteredList } from '@/components/dashboard/filtered-list';
import { ListPagination } from '@/components/dashboard/list-pagination';
import { RefundStatusBadge } from '@/components/dashboard/status-badges';
import { DataTable } from '@/components/ui/data-table';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { parseListFilters } from '@/lib/lists/parse-list-filters';
import { listRefunds, REFUND_STATUSES } from '@/lib/refunds/list-refunds';
import { listStaffOptions } from '@/lib/staff/list-staff-options';
import { WalletName } from '../agreements/wallet-name';

export const metadata: Metadata = { title: 'Refunds' };


// GET /dashboard/refunds — refunds filtered by the URL (same parameters as payments; wallet is the payment's).
export default async function RefundsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireStaff('dashboard.read');
  const t = await getTranslations('refundsList');
  const parsed = parseListFilters(await searchParams, { statuses: REFUND_STATUSES, zone: await getViewerZone() });
  const { filters } = parsed;
  const db = await getDb();
  const [page, staff] = await Promise.all([listRefunds(db, filters), listStaffOptions(db, actor)]);

  return (
    <FilteredList
      title={t('title')}
      intro={t('intro')}
      empty={{ title: t('emptyTitle'), body: t('emptyBody'), href: '/dashboard/payments?status=SUCCEEDED', linkText: t('toPayments') }}
      parsed={parsed}
      rowCount={page.items.length}
      filterForm={
        <ListFilterForm
          action="/dashboard/refunds"
          fields={['q', 'status', 'wallet', 'currency', 'amount', 'dates', 'staff', 'sort']}
          filters={filters}
          issues={parsed.ok ? [] : parsed.issues}
          statuses={REFUND_STATUSES}
          statusNamespace="payment.refundStatus"
          staff={staff}
        />
      }
      pagination={<ListPagination path="/dashboard/refunds" filters={filters} nextCursor={page.nextCursor} exportList="refunds" />}
    >
      <DataTable caption={t('caption')} columns={[t('amount'), t('status'), t('wallet'), t('customer'), t('requestId'), t('payment'), t('initiatedBy'), t('created')]}>
        {page.items.map((r) => (
          <tr key={r.id} data-testid="refund-row">
            <td className="px-4 py-3 font-medium">
              <Amount minor={r.amountMinor} currency={r.currency} />
            </td>
            <td className="px-4 py-3">
              <RefundStatusBadge status={r.status} />
              {r.failureCode ? <div className="mt-1 font-mono text-xs text-slate-700">{r.failureCode}</div> : null}
            </td>
            <td className="px-4 py-3">
              <WalletName code={r.paymentMethod} />
            </td>
            <td className="px-4 py-3">
              <Link href={`/dashboard/customers/${r.customerId}`} className="text-blue-800 underline">
                {r.customerName}
              </Link>
              <div className="font-mono text-xs text-slate-700">{r.customerReference}</div>
            </td>
            <td className="px-4 py-3 font-mono text-xs text-slate-800">
              {r.refundRequestId}
              {r.refundId ? <div className="text-slate-700">{r.refundId}</div> : null}
            </td>
            <td className="px-4 py-3 font-mono text-xs">
              <Link href={`/dashboard/payments/${r.paymentId}`} className="text-blue-800 underline">
                {r.paymentRequestId}
              </Link>
            </td>
            <td className="px-4 py-3 text-slate-800">{r.initiatedByEmail ?? '—'}</td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-800">
              <ZonedTime value={r.createdAt} />
            </td>
          </tr>
        ))}
      </DataTable>
    </FilteredList>
  );
}
