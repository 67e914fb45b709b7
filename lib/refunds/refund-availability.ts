import { getPaymentMethod } from '@/lib/alipay';
import { can } from '@/lib/auth/permissions';
import type { PaymentStatus, StaffRole } from '@/lib/db/schema';

export const DEFAULT_REFUND_WINDOW_DAYS = 365; // ams-api.md §10.3: "typically 365 days" when the catalog has none.

/** Why the refund form is shown disabled (each has a sentence on the page, en + zh-CN). */
export type RefundBlocker = 'not_succeeded' | 'no_antom_id' | 'wallet_no_refunds' | 'window_closed' | 'nothing_left' | 'partial_unsupported_used' | 'no_operator_limit';

export type RefundAvailability =
  | { kind: 'hidden' }
  | { kind: 'blocked'; blocker: RefundBlocker; windowDays?: number }
  | { kind: 'open'; leftMinor: bigint; fullOnly: boolean; limitMinor: bigint | null; windowClosesAt: Date };

/**
 * What the payment page offers this role for refunds. Roles without `refunds.create` see no money buttons at
 * all; otherwise the form is open, or shown disabled with the reason. createRefund checks all of it again.
 */
export function refundAvailability(
  payment: { status: PaymentStatus; paymentId: string | null; paymentMethod: string; currency: string; amountMinor: bigint; refundedMinor: bigint; refundPendingMinor: bigint; succeededAt: Date | null; createdAt: Date },
  role: StaffRole,
  operatorRefundLimits: Readonly<Record<string, string>>,
  now: Date,
): RefundAvailability {
  if (!can(role, 'refunds.create')) return { kind: 'hidden' };
  if (payment.status !== 'SUCCEEDED') return { kind: 'blocked', blocker: 'not_succeeded' };
  if (!payment.paymentId) return { kind: 'blocked', blocker: 'no_antom_id' };
  const method = getPaymentMethod(payment.paymentMethod);
  if (method && !method.supportsRefund) return { kind: 'blocked', blocker: 'wallet_no_refunds' };
  const windowDays = method?.refundWindowDays ?? DEFAULT_REFUND_WINDOW_DAYS;
  const windowClosesAt = new Date((payment.succeededAt ?? payment.createdAt).getTime() + windowDays * 86_400_000);
  if (now.getTime() > windowClosesAt.getTime()) return { kind: 'blocked', blocker: 'window_closed', windowDays };
  const leftMinor = payment.amountMinor - payment.refundedMinor - payment.refundPendingMinor;
  if (leftMinor <= 0n) return { kind: 'blocked', blocker: 'nothing_left' };
  const fullOnly = method ? !method.supportsPartialRefund : false;
  if (fullOnly && leftMinor !== payment.amountMinor) return { kind: 'blocked', blocker: 'partial_unsupported_used' };
  let limitMinor: bigint | null = null;
  if (!can(role, 'refunds.unlimited')) {
    const limit = operatorRefundLimits[payment.currency];
    if (limit === undefined || !/^\d+$/.test(limit)) return { kind: 'blocked', blocker: 'no_operator_limit' };
    limitMinor = BigInt(limit);
  }
  return { kind: 'open', leftMinor, fullOnly, limitMinor, windowClosesAt };
}
