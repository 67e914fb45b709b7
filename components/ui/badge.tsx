type Tone = 'green' | 'amber' | 'red' | 'slate' | 'blue';

// Text/background pairs chosen for ≥ 4.5:1 contrast.
const TONES: Record<Tone, string> = {
  green: 'bg-green-50 text-green-800 ring-green-700/30',
  amber: 'bg-amber-50 text-amber-900 ring-amber-700/30',
  red: 'bg-red-50 text-red-800 ring-red-700/30',
  slate: 'bg-slate-100 text-slate-800 ring-slate-600/30',
  blue: 'bg-blue-50 text-blue-900 ring-blue-700/30',
};

/** A short status label; the colour only repeats what the text says. */
export function Badge({ tone = 'slate', children }: { tone?: Tone; children: React.ReactNode }) {
  return <span className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>{children}</span>;
}
