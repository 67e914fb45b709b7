import { getViewerZone } from '@/lib/time/viewer-zone';
import { dayKey, zoneName } from '@/lib/time/zone';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { TextField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { listAudit, listAuditActions, parseAuditFilters, type AuditFilters } from '@/lib/audit/list-audit';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';

export const metadata: Metadata = { title: 'Audit log' };

function query(filters: AuditFilters, after: string | null): string {
  const p = new URLSearchParams();
  if (filters.actor) p.set('actor', filters.actor);
  if (filters.action) p.set('action', filters.action);
  if (filters.objectType) p.set('object', filters.objectId ? `${filters.objectType}:${filters.objectId}` : filters.objectType);
  if (filters.from) p.set('from', dayKey(filters.from, filters.zone));
  if (filters.to) p.set('to', dayKey(filters.to, filters.zone));
  if (after) p.set('after', after);
  const qs = p.toString();
  return `/dashboard/audit${qs ? `?${qs}` : ''}`;
}

// GET /dashboard/audit — admins only: every staff mutation and sign-in, newest first (?actor, action, object, from, to, after).
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireStaff('audit.read');
  const t = await getTranslations('audit');
  const { filters, issues } = parseAuditFilters(await searchParams, await getViewerZone());
  const db = await getDb();
  const [page, actions] = await Promise.all([listAudit(db, actor, filters), listAuditActions(db, actor)]);
  const errorsFor = (field: string) => {
    const found = issues.filter((i) => i.field === field);
    return found.length ? found.map((i) => t('invalid', { value: i.value })) : undefined;
  };
  const filtered = Boolean(filters.actor || filters.action || filters.objectType || filters.from || filters.to || filters.after !== null);
  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')} />
      <form method="get" action="/dashboard/audit" role="search" aria-label={t('filterLabel')} className="mb-4 grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-5">
        <TextField id="audit-actor" name="actor" type="email" label={t('actor')} defaultValue={filters.actor ?? ''} errors={errorsFor('actor')} />
        <TextField id="audit-action" name="action" label={t('action')} hint={t('actionHint')} list="audit-actions" defaultValue={filters.action ?? ''} errors={errorsFor('action')} />
        <datalist id="audit-actions">
          {actions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <TextField id="audit-object" name="object" label={t('object')} hint={t('objectHint')} defaultValue={filters.objectType ? (filters.objectId ? `${filters.objectType}:${filters.objectId}` : filters.objectType) : ''} errors={errorsFor('object')} />
        <TextField id="audit-from" name="from" type="date" label={t('from')} hint={t('utcDays', { zone: zoneName(filters.zone) })} defaultValue={filters.from ? dayKey(filters.from, filters.zone) : ''} errors={errorsFor('from')} />
        <TextField id="audit-to" name="to" type="date" label={t('to')} defaultValue={filters.to ? dayKey(filters.to, filters.zone) : ''} errors={errorsFor('to')} />
        <div className="flex items-end gap-3 sm:col-span-2 lg:col-span-5">
          <Button type="submit">{t('apply')}</Button>
          {filtered || issues.length ? (
            <Link href="/dashboard/audit" className="py-2 text-sm font-medium text-blue-800 underline">
              {t('clear')}
            </Link>
          ) : null}
        </div>
      </form>
      {issues.length ? (
        <p role="alert" className="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {t('problems', { count: issues.length })}
        </p>
      ) : null}
      {page.items.length === 0 ? (
        <EmptyState title={filtered ? t('noMatches') : t('emptyTitle')} body={t('emptyBody')} />
      ) : (
        <DataTable caption={t('caption')} columns={[t('when'), t('actor'), t('action'), t('object'), t('ip')]}>
          {page.items.map((e) => (
            <tr key={e.id} data-testid="audit-row">
              <td className="whitespace-nowrap px-4 py-3 text-slate-800">
                <ZonedTime value={e.createdAt} />
              </td>
              <td className="px-4 py-3 text-slate-800">
                {e.actorEmail ?? t('system')}
                {e.actorRole ? <div className="text-xs text-slate-700">{e.actorRole}</div> : null}
              </td>
              <td className="px-4 py-3 font-mono text-xs">
                <Link href={query({ ...filters, action: e.action, after: null }, null)} className="text-blue-800 underline">
                  {e.action}
                </Link>
              </td>
              <td className="px-4 py-3 font-mono text-xs text-slate-800">
                {e.objectType}
                {e.objectId ? <div className="break-all text-slate-700">{e.objectId}</div> : null}
              </td>
              <td className="px-4 py-3 font-mono text-xs text-slate-800">{e.ip ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav aria-label={t('pagination')} className="mt-4 flex gap-4 text-sm">
        {filters.after !== null ? (
          <Link href={query(filters, null)} className="font-medium text-blue-800 underline">
            {t('firstPage')}
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={query(filters, page.nextCursor)} className="font-medium text-blue-800 underline">
            {t('nextPage')}
          </Link>
        ) : null}
      </nav>
    </>
  );
}
