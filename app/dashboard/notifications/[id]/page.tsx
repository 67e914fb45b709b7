import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getNotificationDeps } from '@/lib/notifications/app-deps';
import { getNotificationDelivery } from '@/lib/notifications/get-notification-delivery';
import { ReplayForm } from '../replay-form';
import { OutcomeBadge, SignatureBadge } from '../verdict-badges';

export const metadata: Metadata = { title: 'Notification' };

const OUTCOMES = ['applied', 'duplicate', 'flagged', 'unknown_object', 'queued', 'stored', 'not_final', 'failed', 'rejected', 'invalid_body', 'too_large', 'error'] as const;

// GET /dashboard/notifications/[id] — one delivery: verdicts, masked headers and body, the signature debugger, Replay (admins).
export default async function NotificationPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireStaff('dashboard.read');
  const { id } = await params;
  const detail = await getNotificationDelivery(await getNotificationDeps(), id);
  if (!detail) notFound();
  const { delivery: d, inbox, siblings, debug } = detail;
  const t = await getTranslations('notifications');
  const outcomeLabel = (o: string) => ((OUTCOMES as readonly string[]).includes(o) ? t(`outcomeLabel.${o as (typeof OUTCOMES)[number]}`) : o);
  const fields: [string, React.ReactNode][] = [
    [t('received'), <ZonedTime key="r" value={d.receivedAt} />],
    [t('type'), <span key="t" className="font-mono">{d.notifyType ?? t('typeUnknown', { channel: d.channel })}</span>],
    [t('object'), <span key="o" className="font-mono break-all">{d.objectRef ?? '—'}</span>],
    [t('signature'), <SignatureBadge key="s" verdict={d.signatureVerdict} label={t(`verdict.${d.signatureVerdict as 'valid' | 'invalid' | 'not_checked'}`)} />],
    [t('dedupe'), d.dedupeVerdict ? t(`dedupeVerdict.${d.dedupeVerdict as 'new' | 'duplicate' | 'replay'}`) : '—'],
    [t('outcome'), <OutcomeBadge key="oc" outcome={d.outcome} label={`${outcomeLabel(d.outcome)} · HTTP ${d.httpStatus}`} />],
    [t('latency'), t('ms', { ms: d.latencyMs })],
    [t('path'), <span key="p" className="font-mono break-all">{d.path}</span>],
    [t('keyVersion'), d.keyVersion ?? '—'],
  ];
  if (inbox?.outcomeDetail) fields.push([t('result'), `${outcomeLabel(inbox.outcome)} — ${inbox.outcomeDetail}`]);
  if (inbox?.workStatus) fields.push([t('followUp'), t(`work.${inbox.workStatus as 'pending' | 'done'}`)]);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/notifications" className="text-blue-800 underline">
          {t('back')}
        </Link>
      </p>
      <PageHeader title={t('detailTitle', { type: d.notifyType ?? d.channel })} />
      <dl className="grid gap-4 rounded-lg border border-slate-200 bg-white p-6 sm:grid-cols-3">
        {fields.map(([label, value]) => (
          <div key={label}>
            <dt className="text-sm font-medium text-slate-700">{label}</dt>
            <dd className="mt-1 text-sm text-slate-900 [overflow-wrap:anywhere]">{value}</dd>
          </div>
        ))}
      </dl>
      {d.signatureErrorMessage ? (
        <section aria-labelledby="why" className="mt-6 rounded-lg border border-red-200 bg-red-50 p-4">
          <h2 id="why" className="text-base font-semibold text-red-900">
            {d.signatureVerdict === 'valid' ? t('whyBody') : t('whySignature')}
          </h2>
          <p className="mt-1 text-sm text-red-900">
            {d.signatureErrorCode ? <span className="font-mono">{d.signatureErrorCode}: </span> : null}
            {d.signatureErrorMessage}
          </p>
        </section>
      ) : null}
      {inbox && can(actor.role, 'notifications.replay') ? (
        <section aria-labelledby="replay" className="mt-6 rounded-lg border border-slate-200 bg-white p-6">
          <h2 id="replay" className="mb-2 text-base font-semibold text-slate-900">
            {t('replayTitle')}
          </h2>
          <ReplayForm
            deliveryId={d.id}
            labels={{ submit: t('replay'), pending: t('replaying'), hint: t('replayHint'), done: Object.fromEntries(OUTCOMES.map((o) => [o, t('replayDone', { outcome: outcomeLabel(o) })])) }}
          />
        </section>
      ) : null}
      {debug ? (
        <section aria-labelledby="debugger" className="mt-6 rounded-lg border border-slate-200 bg-white p-6">
          <h2 id="debugger" className="text-base font-semibold text-slate-900">
            {t('debuggerTitle')}
          </h2>
          <p className="mt-1 text-sm text-slate-800" data-testid="debugger-conclusion">
            {debug.verified ? t('debuggerVerified') : t('debuggerFailed')} {debug.conclusion}
          </p>
          <h3 className="mt-4 text-sm font-semibold text-slate-900">{t('signedString')}</h3>
          <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-3 font-mono text-xs text-slate-900" tabIndex={0}>
            {debug.signedString}
          </pre>
          <ul className="mt-4 space-y-1 text-sm [overflow-wrap:anywhere]">
            {debug.parts.map((p) => (
              <li key={p.part}>
                <span className="font-medium">{t(`part.${p.part}`)}</span>: <span className="font-mono break-all">{p.value}</span> —{' '}
                <span className={p.verdict === 'differs' ? 'font-semibold text-red-800' : 'text-slate-800'}>{t(`partVerdict.${p.verdict}`)}</span>
                {p.note ? <span className="text-slate-700"> ({p.note})</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="raw" className="mt-6 rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="raw" className="text-base font-semibold text-slate-900">
          {t('rawTitle')}
        </h2>
        <p className="mt-1 text-sm text-slate-700">{t('rawHint')}</p>
        <h3 className="mt-4 text-sm font-semibold text-slate-900">{t('headers')}</h3>
        <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-3 font-mono text-xs text-slate-900" tabIndex={0}>
          {Object.entries(d.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n') || '—'}
        </pre>
        <h3 className="mt-4 text-sm font-semibold text-slate-900">{t('body')}</h3>
        <pre className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-3 font-mono text-xs text-slate-900" tabIndex={0} data-testid="masked-body">
          {d.maskedBody ?? t('bodyNotKept')}
        </pre>
      </section>
      {siblings.length > 1 ? (
        <section aria-labelledby="siblings" className="mt-6 rounded-lg border border-slate-200 bg-white p-6">
          <h2 id="siblings" className="text-base font-semibold text-slate-900">
            {t('siblingsTitle', { count: siblings.length })}
          </h2>
          <ul className="mt-2 space-y-1 text-sm">
            {siblings.map((s) => (
              <li key={s.id}>
                <Link href={`/dashboard/notifications/${s.id}`} className="text-blue-800 underline">
                  <ZonedTime value={s.receivedAt} />
                </Link>{' '}
                — {s.dedupeVerdict ? t(`dedupeVerdict.${s.dedupeVerdict as 'new' | 'duplicate' | 'replay'}`) : '—'}, {outcomeLabel(s.outcome)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
