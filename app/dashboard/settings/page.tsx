import { zonedTimeText } from '@/components/ui/zoned-time';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { PageHeader } from '@/components/ui/page-header';
import { getPaymentMethod } from '@/lib/alipay';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { getSftpStatus } from '@/lib/reconciliation/get-sftp-status';
import { reconMerchantId } from '@/lib/reconciliation/recon-config';
import { env } from '@/lib/env';
import { PAYMENT_METHODS } from '@/lib/alipay';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { MerchantSettingsForm } from './merchant-settings-form';
import { SigningKeysSection } from './signing-keys-section';
import { TokenKeysSection } from './token-keys-section';
import { TwoFactorSection } from './two-factor-section';
import { ScheduleEmailsSection } from './schedule-emails-section';
import { ApiKeysLinkSection } from './api-keys-link-section';
import { DunningSection } from './dunning-section';
import { METHOD_FIELD_PREFIX, refundLimitsToText } from './settings-form-input';

export const metadata: Metadata = { title: 'Settings' };

// GET /dashboard/settings — merchant, gateway and limits (read for everyone; admins edit name, wallets and limits).
export default async function SettingsPage() {
  const actor = await requireStaff('settings.manage');
  const t = await getTranslations('settings');
  const nav = await getTranslations('nav');
  const db = await getDb();
  const settings = await getMerchantSettings(db);
  const sftp = await getSftpStatus(db);
  const config = env();
  const merchantId = reconMerchantId();
  const limits = Object.entries(settings.operatorRefundLimits);
  const chargeLimits = Object.entries(settings.operatorChargeLimits);
  // Fingerprints, key verdicts and gateway URLs are long unbroken strings: let them wrap anywhere so a
  // 360 px phone never scrolls sideways (the key table keeps its own scroll region).
  return (
    <div className="min-w-0 [overflow-wrap:anywhere]">
      <PageHeader title={t('title')}>
        {can(actor.role, 'users.manage') ? (
          <Link href="/dashboard/settings/users" className="text-sm font-medium text-blue-800 underline">
            {nav('users')}
          </Link>
        ) : null}
      </PageHeader>
      <dl className="grid gap-4 rounded-lg border border-slate-200 bg-white p-6 sm:grid-cols-2">
        <div>
          <dt className="text-xs font-medium uppercase text-slate-600">{t('merchantName')}</dt>
          <dd className="mt-1">{settings.merchantName}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase text-slate-600">{t('gateway')}</dt>
          <dd className="mt-1 break-all font-mono text-sm">{config.ALIPAY_GATEWAY_URL}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase text-slate-600">{t('clientId')}</dt>
          <dd className="mt-1 font-mono text-sm">{config.ALIPAY_CLIENT_ID}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase text-slate-600">{t('antomMerchantId')}</dt>
          <dd className="mt-1 font-mono text-sm">{merchantId ?? <span className="font-sans text-red-800">{t('antomMerchantIdUnset')}</span>}</dd>
        </div>
        <div data-testid="settings-sftp">
          <dt className="text-xs font-medium uppercase text-slate-600">{t('reportSftp')}</dt>
          <dd className="mt-1 text-sm">
            {config.ANTOM_SFTP_HOST ? (
              <>
                <span className="font-mono">
                  {config.ANTOM_SFTP_USER}@{config.ANTOM_SFTP_HOST}:{config.ANTOM_SFTP_PORT}
                </span>{' '}
                ({config.ANTOM_SFTP_PRIVATE_KEY ? t('sftpKeySet') : t('sftpPasswordSet')})
                <div className="text-slate-700">
                  {sftp?.lastFetchedAt ? t('sftpLastFetched', { at: await zonedTimeText(sftp.lastFetchedAt) }) : t('sftpNotYet')}
                </div>
                {sftp?.lastError ? <div className="text-red-800">{sftp.lastError}</div> : null}
              </>
            ) : (
              t('sftpOff')
            )}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase text-slate-600">{t('database')}</dt>
          <dd className="mt-1 text-sm">{config.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded)'}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase text-slate-600">{t('contracted')}</dt>
          <dd className="mt-1 text-sm">{settings.contractedMethods.length ? settings.contractedMethods.map((code) => getPaymentMethod(code)?.nameEn ?? code).join(', ') : t('noneContracted')}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase text-slate-600">{t('refundLimits')}</dt>
          <dd className="mt-1 text-sm">{limits.length ? limits.map(([c, v]) => `${c} ${v}`).join(', ') : t('noLimits')}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase text-slate-600">{t('chargeLimits')}</dt>
          <dd className="mt-1 text-sm">{chargeLimits.length ? chargeLimits.map(([c, v]) => `${c} ${v}`).join(', ') : t('noChargeLimits')}</dd>
        </div>
      </dl>
      <SigningKeysSection />
      <TokenKeysSection canManage={can(actor.role, 'settings.manage')} />
      <TwoFactorSection />
      {can(actor.role, 'settings.manage') ? <DunningSection /> : null}
      <ScheduleEmailsSection />
      {can(actor.role, 'keys.manage') ? <ApiKeysLinkSection /> : null}
      {can(actor.role, 'settings.manage') ? (
        <section className="mt-8 rounded-lg border border-slate-200 bg-white p-6">
          <MerchantSettingsForm
            methodFieldPrefix={METHOD_FIELD_PREFIX}
            methods={PAYMENT_METHODS.map((m) => ({ code: m.code, kind: m.kind, nameEn: m.nameEn, nameLocal: m.nameLocal, locale: m.locale, regions: m.regions, currency: m.currency }))}
            current={{ merchantName: settings.merchantName, contractedMethods: settings.contractedMethods, refundLimitsText: refundLimitsToText(settings.operatorRefundLimits), chargeLimitsText: refundLimitsToText(settings.operatorChargeLimits) }}
            labels={{
              heading: t('edit'),
              merchantName: t('merchantName'),
              merchantNameHint: t('merchantNameHint'),
              contracted: t('contracted'),
              contractedHint: t('contractedHint'),
              refundLimits: t('refundLimits'),
              refundLimitsHint: t('refundLimitsHint'),
              chargeLimits: t('chargeLimits'),
              chargeLimitsHint: t('chargeLimitsHint'),
              save: t('save'),
              saving: t('saving'),
              saved: t('saved'),
              wallets: t('wallets'),
              banks: t('banks'),
            }}
          />
        </section>
      ) : null}
    </div>
  );
}
