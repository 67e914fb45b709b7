import { Badge } from '@/components/ui/badge';
import type { ScheduleStatus } from '@/lib/db/schema';

const TONES: Record<ScheduleStatus, 'green' | 'amber' | 'red' | 'slate'> = {
  ACTIVE: 'green',
  PAUSED: 'amber',
  PAST_DUE: 'amber',
  UNPAID: 'red',
  CANCELED: 'slate',
  COMPLETED: 'slate',
};

export function ScheduleStatusBadge({ status, label }: { status: ScheduleStatus; label: string }) {
  return <Badge tone={TONES[status]}>{label}</Badge>;
}
