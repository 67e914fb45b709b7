import { Badge } from '@/components/ui/badge';

/** Signature verdict as a badge; the text carries the meaning, colour only repeats it. */
export function SignatureBadge({ verdict, label }: { verdict: string; label: string }) {
  return <Badge tone={verdict === 'valid' ? 'green' : verdict === 'invalid' ? 'red' : 'amber'}>{label}</Badge>;
}

export function OutcomeBadge({ outcome, label }: { outcome: string; label: string }) {
  const tone = outcome === 'applied' ? 'green' : outcome === 'duplicate' || outcome === 'stored' || outcome === 'queued' || outcome === 'not_final' ? 'slate' : outcome === 'flagged' || outcome === 'unknown_object' ? 'amber' : 'red';
  return <Badge tone={tone}>{label}</Badge>;
}
