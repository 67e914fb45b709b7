import { getDb } from '@/lib/db';
import { getAlipayClient } from '@/lib/gateway/alipay-client';
import { enqueueJob } from '@/lib/jobs/process-queue';
import type { RefundDeps } from './refund-deps';
import { refundNotifyUrl } from './refund-job-deps';

/** Refund-service dependencies for the web process. */
export async function getRefundDeps(): Promise<RefundDeps> {
  return { db: await getDb(), alipay: getAlipayClient(), enqueue: enqueueJob, refundNotifyUrl: refundNotifyUrl() };
}
