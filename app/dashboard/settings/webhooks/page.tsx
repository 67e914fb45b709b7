import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { DataTable } from '@/components/ui/data-table';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { listWebhookDeliveries, listWebhookEndpoints } from '@/lib/webhooks/webhook-endpoints';
import { CreateWebhookEndpointForm, EndpointControls, ReplayButton } from './webhook-forms';

export const metadata: Metadata = { title: 'Webhooks' };

const utc = (d: Date | null) => (d ? `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC` : '—');

// GET /dashboard/settings/webhooks — admins add endpoints (secret shown once), rotate or disable them, read each one's delivery log and replay.
export default async function WebhooksPage() {
  const actor = await requireStaff('settings.manage');
  const t = await getTranslations('webhooks');
  const db = await getDb();
  const endpoints = await listWebhookEndpoints(db, actor);
  const logs = await Promise.all(endpoints.map((e) => listWebhookDeliveries(db, actor, e.id, 10)));
  return (
    <div className="min-w-0 [overflow-wrap:anywhere]">
      <PageHeader title={t('title')} intro={t('intro')} />
      {endpoints
        .filter((e) => e.disabledReason)
        .map((e) => (
          <div key={e.id} role="alert" className="mb-4 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900" data-testid="webhook-disabled-alert">
            <p className="font-semibold">{t('autoDisabledTitle', { url: e.url })}</p>
            <p className="mt-1">{t('autoDisabledBody', { at: utc(e.disabledAt) })}</p>
            <p className="mt-1 font-mono text-xs">{e.disabledReason}</p>
          </div>
        ))}
      {endpoints.length === 0 ? <p className="text-sm text-slate-700">{t('none')}</p> : null}
      {endpoints.map((endpoint, i) => (
        <section key={endpoint.id} aria-labelledby={`endpoint-${endpoint.id}`} className="mb-8 rounded-lg border border-slate-200 bg-white p-4" data-testid="webhook-endpoint">
          <h2 id={`endpoint-${endpoint.id}`} className="font-mono text-sm font-semibold">
            {endpoint.url}
          </h2>
          <p className="mt-1 text-xs text-slate-700">
            {endpoint.eventTypes.length ? endpoint.eventTypes.join(', ') : t('allEvents')} · {endpoint.disabledAt ? t('disabledAt', { at: utc(endpoint.disabledAt) }) : t('active')}
          </p>
          {endpoint.disabledAt ? null : (
            <div className="mt-3">
              <EndpointControls endpointId={endpoint.id} />
            </div>
          )}
          <h3 className="mt-4 mb-2 text-sm font-semibold">{t('log')}</h3>
          <DataTable caption={t('logFor', { url: endpoint.url })} columns={[t('event'), t('status'), t('attempts'), t('answer'), t('latency'), t('at'), t('actions')]}>
            {logs[i]!.map((d) => (
              <tr key={d.id} data-testid="webhook-delivery">
                <td className="px-4 py-2 font-mono text-xs">
                  <details>
                    <summary className="cursor-pointer">{d.eventType}</summary>
                    <p className="mt-1 font-sans font-semibold">{t('request')}</p>
                    <pre className="max-w-md overflow-x-auto whitespace-pre-wrap" data-testid="webhook-request">{d.payload}</pre>
                    {d.lastResponse ? (
                      <>
                        <p className="mt-1 font-sans font-semibold">{t('answerBody')}</p>
                        <pre className="max-w-md overflow-x-auto whitespace-pre-wrap">{d.lastResponse}</pre>
                      </>
                    ) : null}
                  </details>
                </td>
                <td className="px-4 py-2">{t(`statuses.${d.status}`)}</td>
                <td className="px-4 py-2">{d.attempts}</td>
                <td className="px-4 py-2 text-xs">{d.lastStatusCode ?? d.lastError ?? '—'}</td>
                <td className="px-4 py-2 text-xs">{d.lastLatencyMs === null ? '—' : `${d.lastLatencyMs} ms`}</td>
                <td className="px-4 py-2 text-xs">{utc(d.deliveredAt ?? d.createdAt)}</td>
                <td className="px-4 py-2">{endpoint.disabledAt ? null : <ReplayButton deliveryId={d.id} />}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      ))}
      <section aria-labelledby="add-webhook" className="mt-8 max-w-lg rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="add-webhook" className="mb-4 text-lg font-semibold">
          {t('addTitle')}
        </h2>
        <CreateWebhookEndpointForm />
      </section>
    </div>
  );
}
