import type { AlipayClient } from '@/lib/alipay';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import type { Enqueue } from '@/lib/jobs/define-job';
import { recordPaymentEvent, type PaymentEventType } from '@/lib/payments/payment-events';

/** What customs services need: the database, the AMS client, the vault for the stored body, a clock, a queue. */
export interface CustomsDeps {
  db: Db;
  alipay: AlipayClient;
  vault: TokenVault;
  now?: () => Date;
  /** Schedules the poller soon after a declaration; absent in some tests (the cron finds it anyway). */
  enqueue?: Enqueue;
}

export const CUSTOMS_POLL_JOB = 'customs-poll-declarations';

/** AAD binding a sealed declare body to its row, so a body cannot be moved to another declaration. */
export const declarationBodyAad = (declarationId: string) => `customs_declaration:${declarationId}:body`;

export type CustomsEventType = Extract<PaymentEventType, `customs_declaration_${string}`>;

/** A declaration step on the payment's timeline (no buyer identity in `detail`). */
export async function recordCustomsEvent(
  db: Db,
  paymentId: string,
  type: CustomsEventType,
  cause: 'staff' | 'job',
  detail: Record<string, unknown>,
): Promise<void> {
  await recordPaymentEvent(db, { paymentId, type, cause, detail });
}
