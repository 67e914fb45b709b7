import { getTokenVault } from '@/lib/crypto/app-vault';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { getAlipayClient } from '@/lib/gateway/alipay-client';
import { enqueueJob } from '@/lib/jobs/process-queue';
import type { PaymentDeps } from './payment-deps';
import { PAYMENT_NOTIFY_PATH } from './payment-notify-path';

export { PAYMENT_NOTIFY_PATH };

/** Payment-service dependencies for this web process, from validated configuration. */
export async function getPaymentDeps(): Promise<PaymentDeps> {
  const config = env();
  const vault = getTokenVault();
  return {
    db: await getDb(),
    alipay: getAlipayClient(),
    vault,
    enqueue: enqueueJob,
    notifyUrl: new URL(PAYMENT_NOTIFY_PATH, config.APP_URL).toString(),
  };
}
