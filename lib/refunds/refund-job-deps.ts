import { env } from '@/lib/env';
import type { JobContext } from '@/lib/jobs/define-job';
import type { RefundDeps } from './refund-deps';

/** Where Antom sends notifyRefund; the notifications engineer owns the route behind it. */
export const REFUND_NOTIFY_PATH = '/api/alipay/notify/refund';

/** Refund dependencies inside a job: the worker's context plus the configured notify URL. */
export function refundJobDeps(context: JobContext): RefundDeps {
  return { db: context.db, alipay: context.alipay, enqueue: context.enqueue, now: context.now, refundNotifyUrl: refundNotifyUrl() };
}

export function refundNotifyUrl(): string {
  return new URL(REFUND_NOTIFY_PATH, env().APP_URL).toString();
}
