import type { AlipayRefundNotification } from '@/lib/alipay';
import { recordAudit } from '@/lib/audit/record-audit';
import type { Db } from '@/lib/db/client';
import { applyRefundResult } from '@/lib/refunds/apply-refund-result';
import type { NotificationEffect } from './notification-effect';

/** Refund result (inside the inbox transaction): SUCCESS / FAIL finishes the refund once. */
export async function applyRefundNotification(tx: Db, n: AlipayRefundNotification, at: Date): Promise<NotificationEffect> {
  const base = { objectType: 'refund' as const, objectRef: n.refundRequestId };
  const result = await applyRefundResult(tx, {
    refundRequestId: n.refundRequestId,
    refundId: n.refundId,
    outcome: n.refundStatus === 'SUCCESS' ? 'succeeded' : 'failed',
    resultCode: n.result.resultCode,
    reason: n.result.resultMessage ?? undefined,
    cause: 'notification',
    at,
    refundTime: n.refundTime ?? null,
  });
  if (result.kind === 'unknown_refund') return { ...base, objectType: null, outcome: 'unknown_object', detail: 'No refund has this refundRequestId.' };
  if (result.kind === 'applied') {
    await recordAudit(tx, null, {
      action: 'refund.notification_applied',
      objectType: 'refund',
      objectId: result.refund.id,
      at,
      after: { status: result.refund.status, resultCode: n.result.resultCode },
    });
  }
  return { ...base, outcome: result.kind, detail: `Refund is ${result.refund.status}.` };
}
