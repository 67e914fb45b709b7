import { getTokenVault } from '@/lib/crypto/app-vault';
import { getDb } from '@/lib/db';
import { getAlipayClient } from '@/lib/gateway/alipay-client';
import { enqueueJob } from '@/lib/jobs/process-queue';
import type { CustomsDeps } from './customs-deps';

/** Customs-service dependencies for this (web) process, from validated configuration. */
export async function getCustomsDeps(): Promise<CustomsDeps> {
  return { db: await getDb(), alipay: getAlipayClient(), vault: getTokenVault(), enqueue: enqueueJob };
}
