import { getViewerZone } from '@/lib/time/viewer-zone';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ListFilterForm } from '@/components/dashboard/list-filter-form';
import { FilteredList } from '@/components/dashboard/filtered-list';
import { ListPagination } from '@/components/dashboard/list-pagination';
import { DataTable } from '@/components/ui/data-table';
import { ZonedTime } from '@/components/ui/zoned-time';
import { AGREEMENT_STATUSES, queryAgreements } from '@/lib/agreements/list-agreements';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { parseListFilters } from '@/lib/lists/parse-list-filters';
import { AgreementStatusBadge } from './agreement-status-badge';
import { WalletName } from './wallet-name';

export const metadata: Metadata = { title: 'Agreements' };

// GET /dashboard/agreements — agreements filtered by the URL (?status, wallet, from, to, q = masked login / customer
// reference / id, sort = newest|oldest, after = keyset cursor).
export default async function AgreementsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireStaff('dashboard.read');
  const t = await getTranslations('agreements');
  const parsed = parseListFilters(await searchParams, { statuses: AGREEMENT_STATUSES, zone: await getViewerZone() });
  const { filters } = parsed;
  const page = await queryAgreements(await getDb(), filters, 25);

  return (
    <FilteredList
      title={t('title')}
      intro={t('intro')}
      empty={{ title: t('emptyTitle'), body: t('emptyBody'), href: '/dashboard/customers', linkText: t('toCustomers') }}
      parsed={parsed}
      rowCount={page.items.length}
      filterForm={
        <ListFilterForm
          action="/dashboard/agreements"
          fields={['q', 'status', 'wallet', 'dates', 'sort']}
          filters={filters}
          issues={parsed.ok ? [] : parsed.issues}
          statuses={AGREEMENT_STATUSES}
          statusNamespace="agreementStatus"
          sorts={['newest', 'oldest']}
        />
      }
      pagination={<ListPagination path="/dashboard/agreements" filters={filters} nextCursor={page.nextCursor} exportList="agreements" />}
    >
      <DataTable caption={t('caption')} columns={[t('wallet'), t('status'), t('customer'), t('login'), t('created'), t('accessTokenExpiry')]}>
        {page.items.map((a) => (
          <tr key={a.id} data-testid="agreement-row">
            <td className="px-4 py-3">
              <Link href={`/dashboard/agreements/${a.id}`} className="font-medium text-blue-800 underline">
                <WalletName code={a.paymentMethod} />
              </Link>
            </td>
            <td className="px-4 py-3">
              <AgreementStatusBadge status={a.status} />
            </td>
            <td className="px-4 py-3">
              <Link href={`/dashboard/customers/${a.customerId}`} className="text-blue-800 underline">
                {a.customerName}
              </Link>
              <div className="font-mono text-xs text-slate-700">{a.customerReference}</div>
            </td>
            <td className="px-4 py-3 font-mono text-xs text-slate-800">{a.userLoginIdMasked ?? '—'}</td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-800">
              <ZonedTime value={a.createdAt} />
            </td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-800">
              <ZonedTime value={a.accessTokenExpiresAt} />
            </td>
          </tr>
        ))}
      </DataTable>
    </FilteredList>
  );
}
