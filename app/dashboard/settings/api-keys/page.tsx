import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { DataTable } from '@/components/ui/data-table';
import { PageHeader } from '@/components/ui/page-header';
import { listApiKeys } from '@/lib/api/api-keys';
import { requireStaff } from '@/lib/auth/current-actor';
import { getDb } from '@/lib/db';
import { CreateApiKeyForm } from './create-api-key-form';
import { RevokeApiKeyButton } from './revoke-api-key-button';

export const metadata: Metadata = { title: 'API keys' };

const utc = (d: Date | null) => (d ? `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC` : null);

// GET /dashboard/settings/api-keys — admins make merchant-API keys (secret shown once), see their last use, revoke them.
export default async function ApiKeysPage() {
  const actor = await requireStaff('keys.manage');
  const t = await getTranslations('apiKeys');
  const keys = await listApiKeys(await getDb(), actor);
  return (
    <div className="min-w-0 [overflow-wrap:anywhere]">
      <PageHeader title={t('title')} intro={t('intro')}>
        <Link href="/api/v1/openapi.json" className="text-sm font-medium text-blue-800 underline">
          {t('openapi')}
        </Link>
      </PageHeader>
      <DataTable caption={t('title')} columns={[t('name'), t('prefix'), t('scope'), t('lastUsed'), t('status'), t('actions')]}>
        {keys.length === 0 ? (
          <tr>
            <td colSpan={6} className="px-4 py-3 text-slate-700">
              {t('none')}
            </td>
          </tr>
        ) : null}
        {keys.map((key) => (
          <tr key={key.id} data-testid="api-key-row" data-key-id={key.id}>
            <td className="px-4 py-3">
              <div className="font-medium">{key.name}</div>
              {key.allowedIps.length ? <div className="text-xs text-slate-700">{t('onlyFrom', { ips: key.allowedIps.join(', ') })}</div> : null}
              <div className="text-xs text-slate-600">{t('createdAt', { at: utc(key.createdAt)! })}</div>
            </td>
            <td className="px-4 py-3 font-mono text-xs">{key.prefix}…</td>
            <td className="px-4 py-3">{t(`scopes.${key.scope}`)}</td>
            <td className="px-4 py-3 text-xs" data-testid="api-key-last-used">
              {key.lastUsedAt ? t('lastUsedAt', { at: utc(key.lastUsedAt)!, ip: key.lastUsedIp ?? '—' }) : t('neverUsed')}
            </td>
            <td className="px-4 py-3" data-testid="api-key-status">
              {key.revokedAt ? t('revokedAt', { at: utc(key.revokedAt)! }) : t('active')}
            </td>
            <td className="px-4 py-3">{key.revokedAt ? null : <RevokeApiKeyButton keyId={key.id} name={key.name} prefix={key.prefix} />}</td>
          </tr>
        ))}
      </DataTable>
      <section aria-labelledby="add-api-key" className="mt-8 max-w-lg rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="add-api-key" className="mb-4 text-lg font-semibold">
          {t('add')}
        </h2>
        <CreateApiKeyForm />
      </section>
    </div>
  );
}
