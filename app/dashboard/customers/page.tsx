import { getViewerZone } from '@/lib/time/viewer-zone';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { LOCALE_NAMES, LOCALES, isLocale } from '@/i18n/locales';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { queryCustomers } from '@/lib/customers/list-customers';
import { parseListFilters } from '@/lib/lists/parse-list-filters';
import { ListFilterForm } from '@/components/dashboard/list-filter-form';
import { FilterProblems, ListPagination } from '@/components/dashboard/list-pagination';
import { getDb } from '@/lib/db';
import { CreateCustomerForm } from './create-customer-form';
import { DataTable } from '@/components/ui/data-table';

export const metadata: Metadata = { title: 'Customers' };

// GET /dashboard/customers — customers filtered by the URL (?q = reference / email / id, wallet, from, to, sort, after), and the add form for operators and admins.
export default async function CustomersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireStaff('dashboard.read');
  const t = await getTranslations('customers');
  const lt = await getTranslations('lists');
  const parsed = parseListFilters(await searchParams, { zone: await getViewerZone() });
  const { filters } = parsed;
  const page = await queryCustomers(await getDb(), filters, 25);
  const filtered = Boolean(filters.q || filters.wallet || filters.from || filters.to || filters.after || !parsed.ok);
  const canManage = can(actor.role, 'customers.manage');
  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')} />
      {page.items.length === 0 && !filtered ? (
        <EmptyState title={t('emptyTitle')} body={canManage ? t('emptyBody') : t('emptyBodyReadOnly')} />
      ) : (
        <>
          <ListFilterForm action="/dashboard/customers" fields={['q', 'wallet', 'dates', 'sort']} filters={filters} issues={parsed.ok ? [] : parsed.issues} sorts={['newest', 'oldest']} />
          <FilterProblems count={parsed.ok ? 0 : parsed.issues.length} />
          <DataTable caption={t('caption')} columns={[t('name'), t('reference'), t('email'), t('country'), t('preferredLanguage'), t('createdAt')]}>
            {page.items.map((customer) => (
              <tr key={customer.id} data-testid={`customer-row-${customer.reference}`}>
                <td className="px-4 py-3">
                  <Link href={`/dashboard/customers/${customer.id}`} className="font-medium text-blue-800 underline focus-visible:outline-2 focus-visible:outline-blue-700">
                    {customer.name}
                  </Link>
                </td>
                <td className="px-4 py-3 font-mono text-slate-800">{customer.reference}</td>
                <td className="px-4 py-3 text-slate-800">{customer.email ?? '—'}</td>
                <td className="px-4 py-3 text-slate-800">{customer.country ?? '—'}</td>
                <td className="px-4 py-3 text-slate-800">{isLocale(customer.preferredLanguage) ? LOCALE_NAMES[customer.preferredLanguage] : '—'}</td>
                <td className="whitespace-nowrap px-4 py-3 text-slate-800">
                  <ZonedTime value={customer.createdAt} />
                </td>
              </tr>
            ))}
            {page.items.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-4 py-6 text-center text-slate-700">
                  {filters.after ? t('noMore') : lt('noMatches')}
                </td>
              </tr>
            ) : null}
          </DataTable>
          <ListPagination path="/dashboard/customers" filters={filters} nextCursor={page.nextCursor} exportList="customers" />
        </>
      )}
      {canManage ? (
        <section aria-labelledby="add-customer" className="mt-8 max-w-2xl rounded-lg border border-slate-200 bg-white p-6">
          <h2 id="add-customer" className="mb-4 text-lg font-semibold">
            {t('add')}
          </h2>
          <CreateCustomerForm
            languages={LOCALES.map((l) => ({ value: l, name: LOCALE_NAMES[l] }))}
            labels={{
              reference: t('reference'),
              referenceHint: t('referenceHint'),
              name: t('name'),
              email: t('email'),
              phone: t('phone'),
              phoneHint: t('phoneHint'),
              country: t('country'),
              countryHint: t('countryHint'),
              preferredLanguage: t('preferredLanguage'),
              languageHint: t('languageHint'),
              noLanguage: t('noLanguage'),
              submit: t('create'),
              created: t('created'),
              open: t('openCreated'),
            }}
          />
        </section>
      ) : null}
    </>
  );
}
