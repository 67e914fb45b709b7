import { getTranslations } from 'next-intl/server';
import { getDb } from '@/lib/db';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { TwoFactorSettingsForm } from './two-factor-settings-form';
import { refundLimitsToText } from './settings-form-input';

/** Settings → Second factor: viewers too, and the step-up thresholds for large refunds and charges. */
export async function TwoFactorSection() {
  const t = await getTranslations('twoFactor');
  const settings = await getMerchantSettings(await getDb());
  return (
    <section aria-labelledby="two-factor-heading" className="mt-8 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="two-factor-heading" className="text-lg font-semibold">
        {t('settingsHeading')}
      </h2>
      <p className="mb-4 mt-1 text-sm text-slate-700">{t('settingsIntro')}</p>
      <TwoFactorSettingsForm viewers={settings.twoFactorForViewers} thresholds={refundLimitsToText(settings.stepUpThresholds)} />
    </section>
  );
}
