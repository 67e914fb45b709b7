import { zonedTimeText } from '@/components/ui/zoned-time';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { formatAmount } from '@/lib/money';
import { getReconciliationOverview } from '@/lib/reconciliation/get-reconciliation-overview';
import { ACTED_ON_TYPES } from '@/lib/reconciliation/report-format';
import { listDiscrepancies } from '@/lib/reconciliation/list-discrepancies';
import { DiscrepancyActions } from './discrepancy-actions';
import { UploadReportForm } from './upload-report-form';

export const metadata: Metadata = { title: 'Reconciliation' };

const money = (minor: bigint, currency: string, locale: string) => {
  try {
    return formatAmount(minor, currency, locale);
  } catch {
    return `${minor} ${currency}`;
  }
};

// GET /dashboard/reconciliation[?date=YYYY-MM-DD] — report days and batches, the discrepancy inbox, upload and export.
export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireStaff('dashboard.read');
  const t = await getTranslations('reconciliation');
  const locale = await getLocale();
  const { date } = await searchParams;
  const day = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null;
  const db = await getDb();
  const [overview, inbox] = await Promise.all([getReconciliationOverview(db, day), listDiscrepancies(db, { reportDate: day })]);
  const canManage = can(actor.role, 'reconciliation.manage');
  const tz = await getTranslations('timeZone');
  const batches = day ? overview.batches.filter((b) => b.reportDate === day) : overview.batches;

  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')}>
        <a href={`/dashboard/reconciliation/export${day ? `?date=${day}` : ''}`} className="font-medium text-blue-800 underline" download>
          {day ? t('exportDay', { date: day }) : t('exportAll')}
        </a>
      </PageHeader>
      <p className="-mt-4 mb-6 text-sm text-slate-700" data-testid="recon-day-zone">
        {tz('reconDay')}
      </p>

      {canManage ? (
        <section aria-labelledby="upload-report" className="mb-8 max-w-2xl rounded-lg border border-slate-200 bg-white p-6">
          <h2 id="upload-report" className="mb-4 text-lg font-semibold">
            {t('uploadTitle')}
          </h2>
          <UploadReportForm
            maxMb={env().RECON_UPLOAD_MAX_MB}
            labels={{
              file: t('uploadFile'),
              hint: t('uploadHint'),
              upload: t('upload'),
              uploading: t('uploading'),
              progress: t('uploadProgress'),
              loaded: t('uploadLoaded'),
              duplicate: t('uploadDuplicate'),
              failed: t('uploadFailed'),
            }}
          />
        </section>
      ) : null}

      <section aria-labelledby="recon-days" className="mb-8">
        <h2 id="recon-days" className="mb-3 text-lg font-semibold">
          {t('daysTitle')}
        </h2>
        {overview.days.length === 0 ? (
          <EmptyState title={t('emptyTitle')} body={t('emptyBody')} />
        ) : (
          <DataTable caption={t('daysTitle')} columns={[t('day'), t('reportRows'), t('matched'), t('unmatched'), t('open'), t('gross'), t('fees'), t('net')]}>
            {overview.days.map((d) => (
              <tr key={d.reportDate} data-testid={`recon-day-${d.reportDate}`} aria-current={d.reportDate === day ? 'true' : undefined}>
                <td className="whitespace-nowrap px-4 py-3">
                  <Link href={`/dashboard/reconciliation?date=${d.reportDate}`} className="font-medium text-blue-800 underline">
                    {d.reportDate}
                  </Link>
                </td>
                <td className="px-4 py-3">{d.reportRows}</td>
                <td className="px-4 py-3">{d.matched}</td>
                <td className="px-4 py-3">{d.unmatched}</td>
                <td className="px-4 py-3">{d.open > 0 ? <Badge tone="amber">{d.open}</Badge> : <Badge tone="green">0</Badge>}</td>
                <td className="whitespace-nowrap px-4 py-3">{d.totals.map((x) => <div key={x.currency}>{money(x.gross, x.currency, locale)}</div>)}</td>
                <td className="whitespace-nowrap px-4 py-3">{d.totals.map((x) => <div key={x.currency}>{money(x.fees, x.currency, locale)}</div>)}</td>
                <td className="whitespace-nowrap px-4 py-3">{d.totals.map((x) => <div key={x.currency}>{money(x.net, x.currency, locale)}</div>)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      {batches.length > 0 ? (
        <section aria-labelledby="recon-batches" className="mb-8">
          <h2 id="recon-batches" className="mb-3 text-lg font-semibold">
            {t('batchesTitle')}
          </h2>
          <DataTable caption={t('batchesTitle')} columns={[t('day'), t('batch'), t('count'), t('gross'), t('fees'), t('net'), t('batchCheck')]}>
            {batches.map((b) => (
              <tr key={`${b.settlementBatchId}-${b.currency}`}>
                <td className="whitespace-nowrap px-4 py-3">{b.reportDate}</td>
                <td className="px-4 py-3 font-mono text-xs">{b.settlementBatchId}</td>
                <td className="px-4 py-3">{b.count}</td>
                <td className="whitespace-nowrap px-4 py-3">{money(b.gross, b.currency, locale)}</td>
                <td className="whitespace-nowrap px-4 py-3">{money(b.fees, b.currency, locale)}</td>
                <td className="whitespace-nowrap px-4 py-3">{money(b.net, b.currency, locale)}</td>
                <td className="px-4 py-3">{b.balanced ? <Badge tone="green">{t('balanced')}</Badge> : <Badge tone="red">{t('unbalanced')}</Badge>}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      ) : null}

      <section aria-labelledby="recon-inbox" className="mb-8">
        <h2 id="recon-inbox" className="mb-3 text-lg font-semibold">
          {day ? t('inboxDay', { date: day }) : t('inbox')}
        </h2>
        {inbox.length === 0 ? (
          <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700" data-testid="inbox-empty">
            {t('inboxEmpty')}
          </p>
        ) : (
          <DataTable caption={t('inbox')} columns={[t('difference'), t('transaction'), t('reportSide'), t('ledgerSide'), t('antomSays'), canManage ? t('settle') : '']}>
            {inbox.map((d) => (
              <tr key={d.id} data-testid={`discrepancy-${d.kind}`} className="align-top">
                <td className="px-4 py-3">
                  <Badge tone={d.kind === 'missing_in_ledger' || d.kind === 'batch_total_mismatch' ? 'red' : 'amber'}>{t(`kinds.${d.kind}`)}</Badge>
                  <div className="mt-1 text-xs text-slate-700">{d.reportDate}</div>
                </td>
                <td className="px-4 py-3 font-mono text-xs">
                  <div>{d.transactionRequestId ?? d.settlementBatchId ?? '—'}</div>
                  {d.reportTransactionId ? <div className="text-slate-700">{t('antomId', { id: d.reportTransactionId })}</div> : null}
                  {d.paymentId ? <div className="text-slate-700">{t('ledgerPayment', { id: d.paymentId })}</div> : null}
                  {d.refundId ? <div className="text-slate-700">{t('ledgerRefund', { id: d.refundId })}</div> : null}
                </td>
                <td className="px-4 py-3">{d.reportValue ?? t('notInReport')}</td>
                <td className="px-4 py-3">{d.ledgerValue ?? t('notInLedger')}</td>
                <td className="px-4 py-3 text-xs">
                  {d.inquiry ? (
                    <span data-testid="inquiry-answer">
                      {String(d.inquiry['endpoint'])}: {String(d.inquiry['status'] ?? d.inquiry['resultCode'])}
                      {d.inquiry['amount'] ? ` · ${String(d.inquiry['amount'])} ${String(d.inquiry['currency'] ?? '')}` : ''}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="px-4 py-3">
                  {canManage ? (
                    <DiscrepancyActions
                      discrepancyId={d.id}
                      canInquire={d.transactionRequestId !== null}
                      labels={{ inquire: t('inquire'), note: t('note'), resolve: t('resolve'), resolved: t('resolved') }}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="recon-files">
        <h2 id="recon-files" className="mb-3 text-lg font-semibold">
          {day ? t('filesDay', { date: day }) : t('filesTitle')}
        </h2>
        <p className="mb-3 text-sm text-slate-700" data-testid="sftp-status">
          {overview.sftp?.lastFetchedAt ? t('sftpLastFetched', { at: await zonedTimeText(overview.sftp.lastFetchedAt) }) : t('sftpNever')}
          {overview.sftp?.lastError ? <span className="ml-1 text-red-800">{t('sftpFailing', { error: overview.sftp.lastError })}</span> : null}
        </p>
        {overview.files.length === 0 ? (
          <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700">{t('noFiles')}</p>
        ) : (
          <DataTable caption={day ? t('filesDay', { date: day }) : t('filesTitle')} columns={[t('fileName'), t('fileStatus'), t('rowsByType'), t('source'), t('received')]}>
            {overview.files.map((f) => (
              <tr key={f.id} className="align-top" data-testid={`report-file-${f.status}`}>
                <td className="break-all px-4 py-3 font-mono text-xs">
                  <div>{f.fileName}</div>
                  <div className="mt-1 font-sans text-slate-700">
                    {[f.kind ? t(`fileKinds.${f.kind}`) : null, f.reportDate, f.settlementBatchId, f.variant ? t(`variants.${f.variant}`) : null].filter(Boolean).join(' · ')}
                  </div>
                </td>
                <td className="px-4 py-3">
                  {f.status === 'LOADED' ? <Badge tone="green">{t('fileLoaded')}</Badge> : <Badge tone="red">{t('fileRejected')}</Badge>}
                  {f.error ? (
                    <p className="mt-1 max-w-md text-xs text-red-800">
                      {f.errorLine ? <strong className="mr-1">{t('atLine', { line: f.errorLine })}</strong> : null}
                      {f.error}
                    </p>
                  ) : null}
                  {f.changes ? (
                    <p className="mt-1 max-w-md text-xs text-slate-700">
                      {t('newVersion', { added: f.changes.added.length, removed: f.changes.removed.length, changed: f.changes.changed.length })}{' '}
                      {[...f.changes.removed.map((k) => `− ${k}`), ...f.changes.changed.map((k) => `≠ ${k}`), ...f.changes.added.map((k) => `+ ${k}`)].slice(0, 10).join(', ')}
                    </p>
                  ) : null}
                </td>
                <td className="px-4 py-3 text-xs">
                  {f.status === 'LOADED' ? (
                    <ul>
                      {Object.entries(f.typeCounts ?? {}).map(([type, n]) => (
                        <li key={type}>
                          {type}: {n}
                          {!ACTED_ON_TYPES.has(type) && f.kind !== 'settlement_summary' ? <span className="ml-1 text-slate-600">({t('shownOnly')})</span> : null}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="px-4 py-3">{t(`sources.${f.source === 'upload' || f.source === 'sftp' ? f.source : 'drop_folder'}`)}</td>
                <td className="whitespace-nowrap px-4 py-3">
                  <ZonedTime value={f.createdAt} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}
