import { env } from '@/lib/env';
import type { JobContext } from '@/lib/jobs/define-job';
import type { RefundDeps } from './refund-deps';

/** Where Antom sends notifyRefund; the notifications engineer owns the route behind it. */
export const REFUND_NOTIFY_PATH = '/api/alipay/notify/refund';

/** The configured refundNotifyUrl (APP_URL + the route). Read when used, so importing needs no configuration. */
export function refundNotifyUrl(): string {
  return new URL(REFUND_NOTIFY_PATH, env().APP_URL).toString();
}

/**
 * Refund dependencies inside a job: the worker's context plus the notify URL. The URL is part of the
 * request body, so the resolver must build it exactly as createRefund did (tests pass their own).
 */
export function refundJobDeps(context: JobContext, notifyUrl: () => string | undefined = refundNotifyUrl): RefundDeps {
  const url = notifyUrl();
  return { db: context.db, alipay: context.alipay, enqueue: context.enqueue, now: context.now, ...(url ? { refundNotifyUrl: url } : {}) };
}
