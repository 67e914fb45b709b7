import { getTranslations } from 'next-intl/server';
import { Badge } from '@/components/ui/badge';
import type { PaymentStatus, RefundStatus } from '@/lib/db/schema';

const PAYMENT_TONE: Record<PaymentStatus, 'green' | 'amber' | 'red' | 'slate' | 'blue'> = {
  REQUIRES_CONFIRMATION: 'blue',
  CREATED: 'amber',
  PROCESSING: 'amber',
  UNKNOWN: 'amber',
  SUCCEEDED: 'green',
  FAILED: 'red',
  CANCELLED: 'slate',
};

const REFUND_TONE: Record<RefundStatus, 'green' | 'amber' | 'red'> = { PENDING: 'amber', UNKNOWN: 'amber', SUCCEEDED: 'green', FAILED: 'red' };

export async function PaymentStatusBadge({ status }: { status: PaymentStatus }) {
  const t = await getTranslations('payment.statusName');
  return <Badge tone={PAYMENT_TONE[status]}>{t(status)}</Badge>;
}

export async function RefundStatusBadge({ status }: { status: RefundStatus }) {
  const t = await getTranslations('payment.refundStatus');
  return <Badge tone={REFUND_TONE[status]}>{t(status)}</Badge>;
}
