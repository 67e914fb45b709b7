import { getTranslations } from 'next-intl/server';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { getScheduleEmailSettings } from '@/lib/schedules/update-email-settings';
import { ScheduleEmailsForm } from './schedule-emails-form';

/** Settings → Buyer emails: which schedule messages go to buyers (admins; audited), and where they are sent. */
export async function ScheduleEmailsSection() {
  const t = await getTranslations('scheduleEmails');
  const current = await getScheduleEmailSettings(await getDb());
  const smtp = env().SMTP_URL;
  // Never the password: the host and port only.
  const where = smtp ? new URL(smtp).host : null;
  return (
    <section aria-labelledby="schedule-emails-heading" className="mt-8 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="schedule-emails-heading" className="text-lg font-semibold">
        {t('heading')}
      </h2>
      <p className="mt-1 text-sm text-slate-700">{t('intro')}</p>
      <p className="mb-4 mt-1 text-sm text-slate-700">{where ? t('smtp', { host: where }) : t('noSmtp')}</p>
      <ScheduleEmailsForm current={current} labels={{ reminder: t('reminder'), reminderDays: t('reminderDays'), receipt: t('receipt'), failed: t('failed'), save: t('save'), saved: t('saved') }} />
    </section>
  );
}
