import type { Metadata } from 'next';
import { STICKY_FIRST_COLUMN } from '@/components/ui/data-table';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { FieldGrid, type Field } from '@/components/dashboard/field-grid';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { formatAmount } from '@/lib/money';
import { getScheduleDetail } from '@/lib/schedules/list-schedules';
import { formatLocalDate, localDateAt } from '@/lib/schedules/period-calendar';
import { WalletName } from '../../agreements/wallet-name';
import { ScheduleStatusBadge } from '../schedule-status-badge';
import { ScheduleActions } from './schedule-actions';
import { BuyerEmailsSection } from './buyer-emails-section';

export const metadata: Metadata = { title: 'Schedule' };

// GET /dashboard/schedules/[id] — one schedule: its terms, periods with their intents, timeline and the allowed buttons.
export default async function SchedulePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireStaff('dashboard.read');
  const { id } = await params;
  const detail = await getScheduleDetail(await getDb(), id);
  if (!detail) notFound();
  const t = await getTranslations('schedules');
  const { schedule, customer, periods, events } = detail;
  const fields: Field[] = [
    [t('statusColumn'), <ScheduleStatusBadge key="s" status={schedule.status} label={t(`status.${schedule.status}`)} />],
    [t('amount'), <span key="a" className="font-mono">{formatAmount(schedule.amountMinor, schedule.currency)}</span>],
    [t('interval'), t('everyN', { n: schedule.intervalCount, unit: t(`unit.${schedule.intervalUnit}`) })],
    [t('form.anchorDay'), schedule.anchorDay ?? '—'],
    [t('form.startDate'), schedule.startDate],
    [t('form.endDate'), schedule.endDate ?? (schedule.maxPeriods ? t('periodsCount', { n: schedule.maxPeriods }) : '—')],
    [t('form.timeZone'), schedule.timeZone],
    [t('nextCharge'), schedule.nextDueAt ? formatLocalDate(localDateAt(schedule.nextDueAt, schedule.timeZone)) : '—'],
    [t('wallet'), <WalletName key="w" code={detail.paymentMethod} />],
    [
      t('customer'),
      <Link key="c" href={`/dashboard/customers/${customer.id}`} className="text-blue-800 underline">
        {customer.name}
      </Link>,
    ],
    [
      t('agreement'),
      <Link key="ag" href={`/dashboard/agreements/${schedule.agreementId}`} className="text-blue-800 underline">
        {detail.agreementStatus}
      </Link>,
    ],
  ];
  if (schedule.statusReason) fields.push([t('reason'), schedule.statusReason]);
  if (schedule.cancelAtPeriodEnd) fields.push([t('cancelAtPeriodEnd'), t('yes')]);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/schedules" className="text-blue-800 underline">
          {t('back')}
        </Link>
      </p>
      <PageHeader title={t('detailTitle', { customer: customer.name, description: schedule.description })} />
      <FieldGrid fields={fields} />
      {can(actor.role, 'schedules.manage') ? (
        <section aria-labelledby="schedule-actions-heading" className="mt-6 max-w-xl rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="schedule-actions-heading" className="mb-2 text-base font-semibold">
            {t('actions.heading')}
          </h2>
          <ScheduleActions scheduleId={schedule.id} status={schedule.status} amount={formatAmount(schedule.amountMinor, schedule.currency)} customer={customer.name} />
        </section>
      ) : null}
      <section aria-labelledby="periods-heading" className="mt-6">
        <h2 id="periods-heading" className="text-lg font-semibold">
          {t('periods')}
        </h2>
        {periods.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">{t('noPeriods')}</p>
        ) : (
          <div className="relative mt-2 overflow-x-auto" tabIndex={0} role="region" aria-label={t('periodsCaption')}>
            <table className={`min-w-full text-left text-sm ${STICKY_FIRST_COLUMN}`} data-testid="schedule-periods">
              <caption className="sr-only">{t('periodsCaption')}</caption>
              <thead>
                <tr className="border-b border-slate-300 text-xs uppercase text-slate-700">
                  <th scope="col" className="py-2 pr-4">{t('period')}</th>
                  <th scope="col" className="py-2 pr-4">{t('due')}</th>
                  <th scope="col" className="py-2 pr-4">{t('amount')}</th>
                  <th scope="col" className="py-2 pr-4">{t('statusColumn')}</th>
                  <th scope="col" className="py-2 pr-4">{t('tries')}</th>
                  <th scope="col" className="py-2 pr-4">{t('reason')}</th>
                </tr>
              </thead>
              <tbody>
                {periods.map((p) => (
                  <tr key={p.id} className="border-b border-slate-200">
                    <td className="py-2 pr-4">{p.periodNumber + 1}</td>
                    <td className="py-2 pr-4">{formatLocalDate(localDateAt(p.dueAt, schedule.timeZone))}</td>
                    <td className="py-2 pr-4 font-mono">
                      {p.intentBusinessKey ? (
                        <Link href={`/dashboard/payments?q=${encodeURIComponent(p.intentBusinessKey)}`} className="text-blue-800 underline">
                          {formatAmount(p.amountMinor, p.currency)}
                        </Link>
                      ) : (
                        formatAmount(p.amountMinor, p.currency)
                      )}
                    </td>
                    <td className="py-2 pr-4">
                      <Badge tone={p.status === 'paid' ? 'green' : p.status === 'failed' ? 'red' : 'amber'}>{t(`periodStatus.${p.status}`)}</Badge>
                      {p.nextRetryAt ? (
                        <div className="text-xs text-slate-700">
                          {t('nextRetry')} <ZonedTime value={p.nextRetryAt} />
                        </div>
                      ) : null}
                    </td>
                    <td className="py-2 pr-4">{p.tries}</td>
                    <td className="py-2 pr-4">{p.lastFailureMessage ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <BuyerEmailsSection scheduleId={schedule.id} />
      <section aria-labelledby="schedule-timeline-heading" className="mt-8">
        <h2 id="schedule-timeline-heading" className="text-lg font-semibold">
          {t('timeline')}
        </h2>
        <ol className="mt-4 space-y-3 border-l-2 border-slate-300 pl-4">
          {events.map((e) => (
            <li key={e.id} data-testid="schedule-event" className="rounded-lg border border-slate-200 bg-white p-3">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h3 className="text-sm font-semibold text-slate-900">{t(`event.${e.type as 'created'}`)}</h3>
                <span className="text-xs text-slate-700">
                  <ZonedTime value={e.at} />
                </span>
              </div>
              <p className="mt-1 text-sm text-slate-800">{e.message}</p>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
