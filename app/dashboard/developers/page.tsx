import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { SelectField, TextField } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { MerchantApiLink } from './merchant-api-link';
import { ZonedTime } from '@/components/ui/zoned-time';
import { API_CALL_ENDPOINTS, API_CALL_RESULTS, listApiCalls } from '@/lib/api-calls/list-api-calls';
import { OneClickActionForm } from '@/components/dashboard/one-click-action-form';
import { TokenRefreshHaltAlert } from '@/components/dashboard/token-refresh-halt-alert';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { resumeTokenRefreshAction } from './actions';

export const metadata: Metadata = { title: 'Developers' };

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v ? v : null);
const TONE = { success: 'green', failed: 'red', unknown: 'amber', error: 'amber' } as const;

/** Links an API call's subject to the object's page when there is one. */
function subjectLink(subject: string) {
  const [kind, id] = subject.split(':');
  const href = kind === 'payment' ? `/dashboard/payments/${id}` : kind === 'agreement' ? `/dashboard/agreements/${id}` : null;
  return href ? (
    <Link href={href} className="font-mono text-xs text-blue-800 underline">
      {subject}
    </Link>
  ) : (
    <span className="font-mono text-xs">{subject}</span>
  );
}

// GET /dashboard/developers — the API call log (redacted by lib/alipay): ?endpoint= ?result= ?object= filter, ?before= pages on.
export default async function DevelopersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireStaff('dashboard.read');
  const t = await getTranslations('developers');
  const h = await getTranslations('tokenRefreshHalt');
  const query = await searchParams;
  const filters = { endpoint: one(query.endpoint), result: one(query.result), object: (one(query.object) ?? one(query.subject))?.slice(0, 100) ?? null };
  const before = one(query.before);
  const page = await listApiCalls(await getDb(), { ...filters, before });
  const href = (cursor: string | null) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
    if (cursor) params.set('before', cursor);
    const qs = params.toString();
    return `/dashboard/developers${qs ? `?${qs}` : ''}`;
  };
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')} />
      <MerchantApiLink canManageKeys={can(actor.role, 'keys.manage')} />
      {can(actor.role, 'jobs.read') ? (
        <p className="mb-4 text-sm text-slate-700">
          <Link href="/dashboard/developers/failed-jobs" className="font-medium text-blue-800 underline">
            {t('failedJobsLink')}
          </Link>{' '}
          — {t('failedJobsHint')}
        </p>
      ) : null}
      <TokenRefreshHaltAlert>
        {can(actor.role, 'settings.manage') ? (
          <OneClickActionForm action={resumeTokenRefreshAction} testId="resume-token-refresh" labels={{ submit: h('resume'), pending: h('resumePending'), hint: h('resumeHint'), done: h('resumed') }} />
        ) : null}
      </TokenRefreshHaltAlert>
      <form method="get" action="/dashboard/developers" role="search" aria-label={t('filter')} className="mb-4 flex flex-wrap items-end gap-3">
        <SelectField id="endpoint-filter" name="endpoint" label={t('endpoint')} defaultValue={filters.endpoint ?? ''}>
          <option value="">{t('allEndpoints')}</option>
          {API_CALL_ENDPOINTS.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </SelectField>
        <SelectField id="result-filter" name="result" label={t('result')} defaultValue={filters.result ?? ''}>
          <option value="">{t('allResults')}</option>
          {API_CALL_RESULTS.map((r) => (
            <option key={r} value={r}>
              {t(`outcomes.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextField id="object-filter" name="object" label={t('object')} hint={t('objectHint')} defaultValue={filters.object ?? ''} />
        <Button type="submit" variant="secondary">
          {t('filter')}
        </Button>
        {filtered ? (
          <Link href="/dashboard/developers" className="py-2 text-sm font-medium text-blue-800 underline">
            {t('clear')}
          </Link>
        ) : null}
      </form>
      {page.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-700">{t('noCalls')}</p>
      ) : (
        <DataTable caption={t('caption')} columns={[t('time'), t('endpoint'), t('result'), t('code'), t('duration'), t('object'), t('details')]}>
          {page.items.map((call) => {
            const outcome = (call.outcome ?? 'error') as keyof typeof TONE;
            return (
              <tr key={call.id.toString()} data-testid="api-call-row" className="align-top">
                <td className="whitespace-nowrap px-4 py-3 text-slate-800">
                  <ZonedTime value={call.createdAt} />
                </td>
                <td className="px-4 py-3 font-mono text-xs">
                  {call.endpoint}
                  {call.attempt > 1 ? <span className="text-slate-700"> #{call.attempt}</span> : null}
                </td>
                <td className="px-4 py-3">
                  <Badge tone={TONE[outcome] ?? 'slate'}>{t(`outcomes.${outcome in TONE ? outcome : 'error'}`)}</Badge>
                </td>
                <td className="px-4 py-3 font-mono text-xs">{call.resultCode ?? call.errorCode ?? '—'}</td>
                <td className="whitespace-nowrap px-4 py-3">{call.durationMs} ms</td>
                <td className="px-4 py-3">{call.subject ? subjectLink(call.subject) : '—'}</td>
                <td className="px-4 py-3">
                  <details>
                    <summary className="cursor-pointer text-blue-800 underline">{t('details')}</summary>
                    <p className="mt-2 text-xs font-semibold">{t('request')}</p>
                    <pre className="max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">{JSON.stringify(call.requestBody, null, 2)}</pre>
                    <p className="mt-2 text-xs font-semibold">
                      {t('response')} {call.responseStatus ? `(HTTP ${call.responseStatus})` : ''}
                    </p>
                    <pre className="max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">{call.responseBody ? JSON.stringify(call.responseBody, null, 2) : (call.errorMessage ?? '—')}</pre>
                  </details>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <nav aria-label={t('caption')} className="mt-4 flex gap-4 text-sm">
        {before ? (
          <Link href={href(null)} className="font-medium text-blue-800 underline">
            {t('firstPage')}
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={href(page.nextCursor)} className="font-medium text-blue-800 underline">
            {t('nextPage')}
          </Link>
        ) : null}
      </nav>
    </>
  );
}
