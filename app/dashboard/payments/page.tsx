import { getViewerZone } from '@/lib/time/viewer-zone';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { Amount } from '@/components/dashboard/amount';
import { ListFilterForm } from '@/components/dashboard/list-filter-form';
import { FilteredList } from '@/components/dashboard/filtered-list';
import { ListPagination } from '@/components/dashboard/list-pagination';
import { PaymentStatusBadge } from '@/components/dashboard/status-badges';
import { DataTable } from '@/components/ui/data-table';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { parseListFilters } from '@/lib/lists/parse-list-filters';
import { listPayments, PAYMENT_STATUSES } from '@/lib/payments/list-payments';
import { listStaffOptions } from '@/lib/staff/list-staff-options';
import { WalletName } from '../agreements/wallet-name';

export const metadata: Metadata = { title: 'Payments' };


// GET /dashboard/payments — payments filtered by the URL (?status, wallet, currency, min, max, from, to, staff, q, sort, after).
export default async function PaymentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireStaff('dashboard.read');
  const t = await getTranslations('paymentsList');
  const parsed = parseListFilters(await searchParams, { statuses: PAYMENT_STATUSES, zone: await getViewerZone() });
  const { filters } = parsed;
  const db = await getDb();
  const [page, staff] = await Promise.all([listPayments(db, filters), listStaffOptions(db, actor)]);

  return (
    <FilteredList
      title={t('title')}
      intro={t('intro')}
      empty={{ title: t('emptyTitle'), body: t('emptyBody'), href: '/dashboard/agreements?status=ACTIVE', linkText: t('toAgreements') }}
      parsed={parsed}
      rowCount={page.items.length}
      filterForm={
        <ListFilterForm
          action="/dashboard/payments"
          fields={['q', 'status', 'wallet', 'currency', 'amount', 'dates', 'staff', 'sort']}
          filters={filters}
          issues={parsed.ok ? [] : parsed.issues}
          statuses={PAYMENT_STATUSES}
          statusNamespace="payment.statusName"
          staff={staff}
        />
      }
      pagination={<ListPagination path="/dashboard/payments" filters={filters} nextCursor={page.nextCursor} exportList="payments" />}
    >
      <DataTable caption={t('caption')} columns={[t('amount'), t('status'), t('wallet'), t('customer'), t('requestId'), t('initiatedBy'), t('created')]}>
        {page.items.map((p) => (
          <tr key={p.id} data-testid="payment-row">
            <td className="px-4 py-3 font-medium">
              <Link href={`/dashboard/payments/${p.id}`} className="text-blue-800 underline">
                <Amount minor={p.amountMinor} currency={p.currency} />
              </Link>
              {p.refundedMinor > 0n ? (
                <div className="text-xs text-slate-700">
                  {t('refunded')} <Amount minor={p.refundedMinor} currency={p.currency} />
                </div>
              ) : null}
            </td>
            <td className="px-4 py-3">
              <PaymentStatusBadge status={p.status} />
              {p.failureCode ? <div className="mt-1 font-mono text-xs text-slate-700">{p.failureCode}</div> : null}
            </td>
            <td className="px-4 py-3">
              <WalletName code={p.paymentMethod} />
            </td>
            <td className="px-4 py-3">
              <Link href={`/dashboard/customers/${p.customerId}`} className="text-blue-800 underline">
                {p.customerName}
              </Link>
              <div className="font-mono text-xs text-slate-700">{p.customerReference}</div>
            </td>
            <td className="px-4 py-3 font-mono text-xs text-slate-800">
              {p.paymentRequestId}
              {p.paymentId ? <div className="text-slate-700">{p.paymentId}</div> : null}
            </td>
            <td className="px-4 py-3 text-slate-800">{p.initiatedByEmail ?? t(`initiator.${p.initiator}`)}</td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-800">
              <ZonedTime value={p.createdAt} />
            </td>
          </tr>
        ))}
      </DataTable>
    </FilteredList>
  );
}
