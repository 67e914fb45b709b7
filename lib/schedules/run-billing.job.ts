import { env } from '@/lib/env';
import { defineJob } from '@/lib/jobs/define-job';
import { PAYMENT_NOTIFY_PATH } from '@/lib/payments/payment-notify-path';
import { runBilling } from './run-billing';

/** Claims new work for this long, then lets the next minute's run go on (in-flight charges finish first). */
const RUN_BUDGET_MS = 120_000;

/**
 * Every minute: start due periods, run due retries, settle abandoned ones (lib/schedules/run-billing.ts). Safe with
 * any number of workers (SKIP LOCKED claims, one intent per period by its business key).
 */
export const runBillingJob = defineJob({
  name: 'schedules-billing-run',
  cron: '* * * * *',
  retryLimit: 2,
  // Charges run in parallel; after the budget no new claim is made, so the slowest in-flight pay is the tail.
  calls: [{ operation: 'pay' }],
  workSeconds: RUN_BUDGET_MS / 1000 + 60,
  run: async (_data, context) => {
    await runBilling({ ...context, notifyUrl: new URL(PAYMENT_NOTIFY_PATH, env().APP_URL).toString() }, { budgetMs: RUN_BUDGET_MS, concurrency: env().BILLING_CONCURRENCY });
  },
});
