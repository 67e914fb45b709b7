import { env, gatewayMode } from '@/lib/env';
import { defineJob } from '@/lib/jobs/define-job';
import { deliverWebhook, fanOutWebhookEvents } from './deliver-webhooks';
import { WEBHOOK_DELIVER_JOB } from './webhook-endpoints';

/**
 * Every minute, a safety net under the dispatcher (dispatch-webhooks.ts, running in every worker and probing the
 * outbox): new timeline events become deliveries; the dispatcher sends them (no job per delivery).
 */
export const fanOutWebhooksJob = defineJob({
  name: 'webhooks-fanout',
  cron: '* * * * *',
  retryLimit: 2,
  calls: [],
  run: async (_data, { db, now }) => {
    await fanOutWebhookEvents(db, null, now());
  },
});

/** One attempt of one delivery; its own retries are scheduled by the delivery (not by pg-boss). */
export const deliverWebhookJob = defineJob<{ deliveryId: string }>({
  name: WEBHOOK_DELIVER_JOB,
  retryLimit: 2,
  calls: [],
  workSeconds: 30,
  run: async ({ deliveryId }, { db, vault, enqueue, now }) => {
    await deliverWebhook(db, { vault, enqueue, now, live: gatewayMode(env()) === 'antom' }, deliveryId);
  },
});
