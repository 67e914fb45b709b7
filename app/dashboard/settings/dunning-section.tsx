import { getTranslations } from 'next-intl/server';
import { getDb } from '@/lib/db';
import { getDunningSettings } from '@/lib/schedules/update-dunning-settings';
import { DunningSettingsForm } from './dunning-settings-form';

/** Settings → Dunning (admins): when a declined period is tried again, and what the schedule becomes after the last try. */
export async function DunningSection() {
  const t = await getTranslations('dunningSettings');
  const settings = await getDunningSettings(await getDb());
  return (
    <section aria-labelledby="dunning-heading" className="mt-8 rounded-lg border border-slate-200 bg-white p-6" data-testid="settings-dunning">
      <h2 id="dunning-heading" className="text-lg font-semibold">
        {t('heading')}
      </h2>
      <p className="mb-4 mt-1 text-sm text-slate-700">{t('intro')}</p>
      <DunningSettingsForm
        ladder={settings.ladderDays.join(', ')}
        afterLadder={settings.afterLadder}
        labels={{
          ladder: t('ladder'),
          ladderHint: t('ladderHint'),
          afterLadder: t('afterLadder'),
          after: {
            PAST_DUE: { name: t('after.PAST_DUE'), hint: t('afterHint.PAST_DUE') },
            UNPAID: { name: t('after.UNPAID'), hint: t('afterHint.UNPAID') },
          },
          save: t('save'),
          saved: t('saved'),
        }}
      />
    </section>
  );
}
