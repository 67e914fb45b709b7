import { env } from '@/lib/env';
import { defineJob } from '@/lib/jobs/define-job';
import { smtpMailer } from '@/lib/mail/mailer';
import { sendScheduleEmails } from './schedule-emails';

/**
 * Every minute: upcoming-charge reminders, receipts and failed-payment messages for billing schedules
 * (lib/schedules/schedule-emails.ts), through SMTP_URL. Safe with any number of workers: each message is claimed
 * in schedule_emails (unique per schedule, period and kind) before it is sent.
 */
export const sendScheduleEmailsJob = defineJob({
  name: 'schedules-emails',
  cron: '* * * * *',
  retryLimit: 2,
  calls: [],
  workSeconds: 120,
  run: async (_data, context) => {
    const config = env();
    const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.SMTP_FROM) : null;
    try {
      await sendScheduleEmails({ db: context.db, mailer, now: context.now(), appUrl: config.APP_URL, budgetMs: 60_000 });
    } finally {
      mailer?.close();
    }
  },
});
