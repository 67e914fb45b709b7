import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getDb } from '@/lib/db';
import { formatAmount } from '@/lib/money';
import { localDateAt, formatLocalDate, DEFAULT_SCHEDULE_TIME_ZONE } from '@/lib/schedules/period-calendar';
import { listAgreementSchedules } from '@/lib/schedules/list-schedules';
import { ScheduleStatusBadge } from '../../schedules/schedule-status-badge';
import { CreateScheduleForm } from './create-schedule-form';

/** The agreement page's schedules: the ones it has, and "Create schedule" while it is ACTIVE. */
export async function AgreementSchedules({ agreementId, active, currency, canManage }: { agreementId: string; active: boolean; currency: string | null; canManage: boolean }) {
  const t = await getTranslations('schedules');
  const schedules = await listAgreementSchedules(await getDb(), agreementId);
  return (
    <section aria-labelledby="schedules-heading" className="mt-6 max-w-xl rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="schedules-heading" className="mb-2 text-base font-semibold">
        {t('agreementHeading')}
      </h2>
      {schedules.length === 0 ? (
        <p className="text-sm text-slate-700">{t('none')}</p>
      ) : (
        <ul className="mb-3 space-y-1 text-sm">
          {schedules.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center gap-2">
              <Link href={`/dashboard/schedules/${s.id}`} className="font-mono text-blue-800 underline">
                {formatAmount(s.amountMinor, s.currency)}
              </Link>
              <span>{t('everyN', { n: s.intervalCount, unit: t(`unit.${s.intervalUnit}`) })}</span>
              <ScheduleStatusBadge status={s.status} label={t(`status.${s.status}`)} />
            </li>
          ))}
        </ul>
      )}
      {active && currency && canManage ? (
        <details className="mt-2">
          <summary className="cursor-pointer text-sm font-medium text-blue-800">{t('createHeading')}</summary>
          <div className="mt-3">
            <CreateScheduleForm agreementId={agreementId} currency={currency} today={formatLocalDate(localDateAt(new Date(), DEFAULT_SCHEDULE_TIME_ZONE))} />
          </div>
        </details>
      ) : null}
      {!active ? <p className="mt-2 text-sm text-slate-700">{t('agreementInactive')}</p> : null}
    </section>
  );
}
