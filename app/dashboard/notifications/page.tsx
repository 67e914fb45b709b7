import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField, TextField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { listNotificationDeliveries, listNotificationTypes, SIGNATURE_VERDICTS, type SignatureVerdict } from '@/lib/notifications/list-notification-deliveries';
import { OutcomeBadge, SignatureBadge } from './verdict-badges';

export const metadata: Metadata = { title: 'Notifications' };

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : null);

// GET /dashboard/notifications — every delivery newest first; ?type= ?verdict= ?id= filter (a plain GET form), ?after= pages on.
export default async function NotificationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireStaff('dashboard.read');
  const t = await getTranslations('notifications');
  const query = await searchParams;
  const db = await getDb();
  const type = one(query.type);
  const requestedVerdict = one(query.verdict);
  const verdict = requestedVerdict && (SIGNATURE_VERDICTS as readonly string[]).includes(requestedVerdict) ? (requestedVerdict as SignatureVerdict) : null;
  const id = one(query.id);
  const after = one(query.after);
  const [page, types] = await Promise.all([listNotificationDeliveries(db, { type, verdict, id, after }), listNotificationTypes(db)]);
  const filtered = Boolean(type || verdict || id);
  const pageHref = (cursor: string | null) => {
    const params = new URLSearchParams();
    if (type) params.set('type', type);
    if (verdict) params.set('verdict', verdict);
    if (id) params.set('id', id);
    if (cursor) params.set('after', cursor);
    const qs = params.toString();
    return `/dashboard/notifications${qs ? `?${qs}` : ''}`;
  };

  if (page.items.length === 0 && !filtered && !after) {
    return (
      <>
        <PageHeader title={t('title')} />
        <EmptyState title={t('emptyTitle')} body={t('emptyBody')} />
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')} />
      <form method="get" action="/dashboard/notifications" role="search" aria-label={t('filterLabel')} className="mb-4 flex flex-wrap items-end gap-3">
        <SelectField id="type-filter" name="type" label={t('filterType')} defaultValue={type ?? ''}>
          <option value="">{t('allTypes')}</option>
          {types.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </SelectField>
        <SelectField id="verdict-filter" name="verdict" label={t('filterVerdict')} defaultValue={verdict ?? ''}>
          <option value="">{t('allVerdicts')}</option>
          {SIGNATURE_VERDICTS.map((v) => (
            <option key={v} value={v}>
              {t(`verdict.${v}`)}
            </option>
          ))}
        </SelectField>
        <TextField id="id-filter" name="id" label={t('filterId')} defaultValue={id ?? ''} hint={t('filterIdHint')} />
        <Button type="submit" variant="secondary">
          {t('filter')}
        </Button>
        {filtered ? (
          <Link href="/dashboard/notifications" className="py-2 text-sm font-medium text-blue-800 underline">
            {t('clearFilter')}
          </Link>
        ) : null}
      </form>
      {page.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-700">{filtered ? t('noneMatching') : t('noMore')}</p>
      ) : (
        <DataTable caption={t('caption')} columns={[t('received'), t('type'), t('object'), t('signature'), t('dedupe'), t('outcome'), t('latency')]}>
          {page.items.map((d) => (
            <tr key={d.id} data-testid="delivery-row">
              <td className="whitespace-nowrap px-4 py-3">
                <Link href={`/dashboard/notifications/${d.id}`} className="font-medium text-blue-800 underline">
                  <ZonedTime value={d.receivedAt} />
                </Link>
                {d.repeatCount > 1 ? (
                  <div className="mt-1 text-xs text-slate-700" data-testid="delivery-repeats">
                    {t('repeats', { count: d.repeatCount })}
                    {d.lastReceivedAt ? (
                      <>
                        {' · '}
                        {t('lastAt')} <ZonedTime value={d.lastReceivedAt} />
                      </>
                    ) : null}
                  </div>
                ) : null}
                {d.sourceIp && d.signatureVerdict !== 'valid' ? <div className="mt-1 font-mono text-xs text-slate-700">{t('from', { ip: d.sourceIp })}</div> : null}
              </td>
              <td className="px-4 py-3 font-mono text-xs">{d.notifyType ?? t('typeUnknown', { channel: d.channel })}</td>
              <td className="px-4 py-3 font-mono text-xs break-all">{d.objectRef ?? '—'}</td>
              <td className="px-4 py-3">
                <SignatureBadge verdict={d.signatureVerdict} label={t(`verdict.${d.signatureVerdict as SignatureVerdict}`)} />
                {d.signatureErrorCode ? <div className="mt-1 font-mono text-xs text-red-800">{d.signatureErrorCode}</div> : null}
              </td>
              <td className="px-4 py-3 text-slate-800">{d.dedupeVerdict ? t(`dedupeVerdict.${d.dedupeVerdict as 'new' | 'duplicate' | 'replay'}`) : '—'}</td>
              <td className="px-4 py-3">
                <OutcomeBadge outcome={d.outcome} label={t.has(`outcomeLabel.${d.outcome}`) ? t(`outcomeLabel.${d.outcome}` as 'outcomeLabel.applied') : d.outcome} />
                <div className="mt-1 text-xs text-slate-700">HTTP {d.httpStatus}</div>
              </td>
              <td className="whitespace-nowrap px-4 py-3 text-slate-800">{t('ms', { ms: d.latencyMs })}</td>
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
