import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { listFailedJobs } from '@/lib/jobs/list-failed-jobs';

export const metadata: Metadata = { title: 'Failed jobs' };

/** Links the ids a job carried to their pages where there is one. */
function idLink(key: string, id: string) {
  const href = key === 'paymentId' ? `/dashboard/payments/${id}` : key === 'agreementId' ? `/dashboard/agreements/${id}` : null;
  const text = (
    <>
      <span className="text-slate-700">{key}: </span>
      {id}
    </>
  );
  return href ? (
    <Link href={href} className="break-all font-mono text-xs text-blue-800 underline">
      {text}
    </Link>
  ) : (
    <span className="break-all font-mono text-xs">{text}</span>
  );
}

// GET /dashboard/developers/failed-jobs — admins only: background jobs that used up their retries, newest first (?after= pages on).
export default async function FailedJobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireStaff('jobs.read');
  const t = await getTranslations('failedJobs');
  const raw = (await searchParams).after;
  const after = typeof raw === 'string' && raw ? raw : null;
  const page = await listFailedJobs(await getDb(), actor, { after });
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/developers" className="font-medium text-blue-800 underline">
          {t('back')}
        </Link>
      </p>
      <PageHeader title={t('title')} intro={t('intro')} />
      {page.items.length === 0 ? (
        <EmptyState title={after ? t('noMore') : t('emptyTitle')} body={t('emptyBody')} />
      ) : (
        <DataTable caption={t('caption')} columns={[t('failedAt'), t('queue'), t('jobId'), t('data'), t('error'), t('attempts')]}>
          {page.items.map((job) => (
            <tr key={job.id} data-testid="failed-job-row" className="align-top">
              <td className="whitespace-nowrap px-4 py-3 text-slate-800">{job.failedAt ? <ZonedTime value={job.failedAt} /> : '—'}</td>
              <td className="px-4 py-3 font-mono text-xs">{job.name}</td>
              <td className="break-all px-4 py-3 font-mono text-xs">{job.id}</td>
              <td className="px-4 py-3">
                {Object.keys(job.ids).length === 0 ? (
                  <span className="text-slate-700">{t('noIds')}</span>
                ) : (
                  <ul className="space-y-1">
                    {Object.entries(job.ids).map(([key, id]) => (
                      <li key={key}>{idLink(key, id)}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="max-w-md break-words px-4 py-3 text-slate-800">{job.error ?? '—'}</td>
              <td className="px-4 py-3 text-slate-800">{job.attempts}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav aria-label={t('pagination')} className="mt-4 flex gap-4 text-sm">
        {after ? (
          <Link href="/dashboard/developers/failed-jobs" className="font-medium text-blue-800 underline">
            {t('firstPage')}
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={`/dashboard/developers/failed-jobs?after=${page.nextCursor}`} className="font-medium text-blue-800 underline">
            {t('nextPage')}
          </Link>
        ) : null}
      </nav>
    </>
  );
}
