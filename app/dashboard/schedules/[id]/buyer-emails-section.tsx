import { getTranslations } from 'next-intl/server';
import { Badge } from '@/components/ui/badge';
import { ZonedTime } from '@/components/ui/zoned-time';
import { getDb } from '@/lib/db';
import { listScheduleEmails } from '@/lib/schedules/schedule-emails';

/** The schedule's buyer emails (lib/schedules/schedule-emails.ts): which went out, which were skipped and why. */
export async function BuyerEmailsSection({ scheduleId }: { scheduleId: string }) {
  const t = await getTranslations('scheduleEmails');
  const rows = await listScheduleEmails(await getDb(), scheduleId);
  return (
    <section aria-labelledby="buyer-emails-heading" className="mt-8">
      <h2 id="buyer-emails-heading" className="text-lg font-semibold">
        {t('listHeading')}
      </h2>
      {rows.length === 0 ? (
        <p className="mt-2 text-sm text-slate-700">{t('listEmpty')}</p>
      ) : (
        <ul className="mt-3 space-y-2">
          {rows.map((r) => (
            <li key={r.id} data-testid="buyer-email" className="rounded-lg border border-slate-200 bg-white p-3 text-sm">
              <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <span className="font-semibold text-slate-900">{t(`kind.${r.kind}`, { period: r.periodNumber + 1 })}</span>
                <Badge tone={r.status === 'sent' ? 'green' : r.status === 'failed' ? 'red' : 'slate'}>{t(`state.${r.status as 'sent'}`)}</Badge>
                <span className="text-slate-700">
                  <ZonedTime value={r.sentAt ?? r.createdAt} />
                </span>
              </div>
              <p className="mt-1 text-slate-800">{[r.toAddress, r.locale, r.subject, r.error].filter(Boolean).join(' · ')}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
