import { getTranslations } from 'next-intl/server';
import { Badge } from '@/components/ui/badge';
import type { AgreementStatus } from '@/lib/db/schema';

const TONE: Record<AgreementStatus, 'green' | 'amber' | 'red' | 'slate'> = {
  PENDING: 'amber',
  APPLYING: 'amber',
  ACTIVE: 'green',
  DECLINED: 'slate',
  FAILED: 'red',
  EXPIRED: 'slate',
  REVOKED: 'slate',
  INVALID: 'red',
};

/** An agreement's status as a labelled badge. */
export async function AgreementStatusBadge({ status }: { status: AgreementStatus }) {
  const t = await getTranslations('agreementStatus');
  return <Badge tone={TONE[status]}>{t(status)}</Badge>;
}
