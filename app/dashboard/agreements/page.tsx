import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { UtcTime } from '@/components/ui/utc-time';
import { AGREEMENT_STATUSES, listAgreements } from '@/lib/agreements/list-agreements';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import type { AgreementStatus } from '@/lib/db/schema';
import { AgreementStatusBadge } from './agreement-status-badge';
import { WalletName } from './wallet-name';
import { DataTable } from '@/components/ui/data-table';

export const metadata: Metadata = { title: 'Agreements' };

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v ? v : null);

// GET /dashboard/agreements — agreements newest first; ?status= filters (a plain GET form), ?after=<id> pages on.
export default async function AgreementsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireStaff('dashboard.read');
  const t = await getTranslations('agreements');
  const st = await getTranslations('agreementStatus');
  const query = await searchParams;
  const requested = one(query.status);
  const status = requested && (AGREEMENT_STATUSES as readonly string[]).includes(requested) ? (requested as AgreementStatus) : null;
  const after = one(query.after);
  const page = await listAgreements(await getDb(), { status, after });
  const pageHref = (cursor: string | null) => {
    const params = new URLSearchParams();
    if (status) params.set('status', status);
    if (cursor) params.set('after', cursor);
    const qs = params.toString();
    return `/dashboard/agreements${qs ? `?${qs}` : ''}`;
  };

  if (page.items.length === 0 && !status && !after) {
    return (
      <>
        <PageHeader title={t('title')} />
        <EmptyState title={t('emptyTitle')} body={t('emptyBody')}>
          <Link href="/dashboard/customers" className="font-medium text-blue-800 underline">
            {t('toCustomers')}
          </Link>
        </EmptyState>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')} />
      <form method="get" action="/dashboard/agreements" role="search" aria-label={t('filterLabel')} className="mb-4 flex flex-wrap items-end gap-3">
        <SelectField id="status-filter" name="status" label={t('filterStatus')} defaultValue={status ?? ''}>
          <option value="">{t('allStatuses')}</option>
          {AGREEMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {st(s)}
            </option>
          ))}
        </SelectField>
        <Button type="submit" variant="secondary">
          {t('filter')}
        </Button>
        {status ? (
          <Link href="/dashboard/agreements" className="py-2 text-sm font-medium text-blue-800 underline">
            {t('clearFilter')}
          </Link>
        ) : null}
      </form>
      {page.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-700">{status ? t('noneWithStatus', { status: st(status) }) : t('noMore')}</p>
      ) : (
        <DataTable caption={status ? t('captionFiltered', { status: st(status) }) : t('caption')} columns={[t('wallet'), t('status'), t('customer'), t('created'), t('accessTokenExpiry')]}>
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
              <td className="whitespace-nowrap px-4 py-3 text-slate-800">
                <UtcTime value={a.createdAt} />
              </td>
              <td className="whitespace-nowrap px-4 py-3 text-slate-800">
                <UtcTime value={a.accessTokenExpiresAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav aria-label={t('pagination')} className="mt-4 flex gap-4 text-sm">
        {after ? (
          <Link href={pageHref(null)} className="font-medium text-blue-800 underline">
            {t('firstPage')}
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={pageHref(page.nextCursor)} className="font-medium text-blue-800 underline">
            {t('nextPage')}
          </Link>
        ) : null}
      </nav>
    </>
  );
}
