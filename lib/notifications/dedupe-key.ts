import { createHash } from 'node:crypto';
import type { AlipayNotification } from '@/lib/alipay';
import type { TokenVault } from '@/lib/crypto/token-vault';

/**
 * The inbox key of a verified notification (reliability.md §1.5). Two deliveries with the same key are
 * the same fact: the second is acknowledged and changes nothing. Tokens and codes enter only as their
 * keyed blind index, never in clear.
 */
export function dedupeKey(notification: AlipayNotification, rawBody: string, vault: TokenVault): string {
  switch (notification.type) {
    case 'PAYMENT_RESULT':
    case 'PAYMENT_PENDING':
      return `${notification.type}:${notification.paymentRequestId}:${notification.result.resultStatus}`;
    case 'REFUND_RESULT':
      return `REFUND:${notification.refundRequestId}:${notification.refundStatus}`;
    case 'AUTHCODE_CREATED':
      return `AUTH:AUTHCODE_CREATED:${vault.index(notification.authCode, 'notify')}`;
    case 'TOKEN_CREATED':
    case 'TOKEN_CANCELED':
      return `AUTH:${notification.type}:${vault.index(notification.accessToken, 'notify')}`;
    case 'UNKNOWN':
      return `UNKNOWN:${notification.notifyType ?? '-'}:${createHash('sha256').update(rawBody).digest('hex')}`;
  }
}
