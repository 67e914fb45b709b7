import type { AlipayNotification } from '@/lib/alipay';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { applyAuthorizationNotification } from './apply-authorization-notification';
import { applyPaymentNotification } from './apply-payment-notification';
import { applyRefundNotification } from './apply-refund-notification';
import type { NotificationEffect } from './notification-effect';

/** Routes a verified, parsed notification to its one operation, inside the caller's transaction. */
export async function applyVerifiedNotification(tx: Db, vault: TokenVault, n: AlipayNotification, at: Date): Promise<NotificationEffect> {
  switch (n.type) {
    case 'PAYMENT_RESULT':
    case 'PAYMENT_PENDING':
      return applyPaymentNotification(tx, n, at);
    case 'REFUND_RESULT':
      return applyRefundNotification(tx, n, at);
    case 'AUTHCODE_CREATED':
    case 'TOKEN_CREATED':
    case 'TOKEN_CANCELED':
      return applyAuthorizationNotification(tx, vault, n, at);
    case 'UNKNOWN':
      // Stored, acknowledged and shown: a new Antom type must not trigger a day of resends.
      return { objectType: null, objectRef: null, outcome: 'stored', detail: 'Notification type not handled by this portal.' };
  }
}

/** The notification's type as shown (the unknown type as sent). */
export function notificationTypeOf(n: AlipayNotification): string {
  return n.type === 'UNKNOWN' ? (n.notifyType ?? 'UNKNOWN') : n.type;
}
