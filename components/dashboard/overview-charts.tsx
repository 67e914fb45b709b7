'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface VolumePoint {
  day: string;
  /** Chart geometry only (bar height); every number a person reads comes from `label`, formatted exactly from bigint. */
  plot: number;
  label: string;
  count: number;
}

/**
 * One currency's daily succeeded volume as bars. Decorative for assistive technology (aria-hidden, no
 * focusable parts): the same figures are in the table next to it.
 */
export function VolumeChart({ points, valueLabel }: { points: VolumePoint[]; valueLabel: string }) {
  return (
    <div aria-hidden="true" className="h-48 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#cbd5e1" vertical={false} />
          <XAxis dataKey="day" tick={{ fontSize: 11, fill: '#334155' }} tickFormatter={(d: string) => d.slice(5)} />
          <YAxis tick={{ fontSize: 11, fill: '#334155' }} width={56} tickFormatter={(v: number) => compact(v)} />
          <Tooltip formatter={(_v, _n, item) => [(item?.payload as VolumePoint | undefined)?.label ?? '', valueLabel]} />
          <Bar dataKey="plot" fill="#1d4ed8" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export interface RatePoint {
  wallet: string;
  /** Percentage 0–100 of final payments that succeeded. */
  rate: number;
}

export function WalletRateChart({ points }: { points: RatePoint[] }) {
  return (
    <div aria-hidden="true" className="w-full" style={{ height: Math.max(96, points.length * 36) }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} layout="vertical" accessibilityLayer={false} margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
          <XAxis type="number" domain={[0, 100]} tick={{ fontSize: 11, fill: '#334155' }} tickFormatter={(v: number) => `${v}%`} />
          <YAxis type="category" dataKey="wallet" tick={{ fontSize: 11, fill: '#334155' }} width={90} />
          <Bar dataKey="rate" fill="#047857" radius={[0, 3, 3, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function compact(v: number): string {
  return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(v);
}
