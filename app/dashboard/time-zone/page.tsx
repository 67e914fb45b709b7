import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getViewerZoneSettings } from '@/lib/time/viewer-zone';
import { SUGGESTED_TIME_ZONES, zoneName } from '@/lib/time/zone';
import { TimeZoneForm } from './time-zone-form';

export const metadata: Metadata = { title: 'Time zone' };

// GET /dashboard/time-zone — every staff member: their own zone; admins also the merchant's.
export default async function TimeZonePage() {
  const actor = await requireStaff('dashboard.read');
  const t = await getTranslations('timeZone');
  const settings = await getViewerZoneSettings();
  const now = new Date();
  const zones = (current: string | null): [string, string][] => {
    const list: string[] = [...SUGGESTED_TIME_ZONES];
    if (current && !list.includes(current)) list.unshift(current);
    return list.map((z) => [z, zoneName(z, now)]);
  };
  return (
    <>
      <PageHeader title={t('sectionTitle')} intro={t('shown', { zone: zoneName(settings.zone, now) })} />
      <div className="grid max-w-2xl gap-6">
        <section aria-labelledby="own-zone" className="rounded-lg border border-slate-200 bg-white p-6">
          <h2 id="own-zone" className="mb-2 text-lg font-semibold">
            {t('userZone')}
          </h2>
          <p className="mb-4 text-sm text-slate-700">{t('userIntro')}</p>
          <TimeZoneForm
            kind="own"
            id="own-time-zone"
            label={t('userZone')}
            current={settings.userZone ?? ''}
            options={[['', t('followMerchant', { zone: zoneName(settings.merchantZone, now) })], ...zones(settings.userZone)]}
            labels={{ save: t('save'), saved: t('saved') }}
          />
        </section>
        {can(actor.role, 'settings.manage') ? (
          <section aria-labelledby="merchant-zone" className="rounded-lg border border-slate-200 bg-white p-6">
            <h2 id="merchant-zone" className="mb-2 text-lg font-semibold">
              {t('merchantZone')}
            </h2>
            <p className="mb-4 text-sm text-slate-700">{t('merchantIntro')}</p>
            <TimeZoneForm kind="merchant" id="merchant-time-zone" label={t('merchantZone')} current={settings.merchantZone} options={zones(settings.merchantZone)} labels={{ save: t('save'), saved: t('saved') }} />
          </section>
        ) : null}
        <p className="text-sm text-slate-700">{t('reconDay')}</p>
      </div>
    </>
  );
}
