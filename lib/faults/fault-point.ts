import { writeSync } from 'node:fs';
import { faultPointSetting } from '@/lib/env';

/**
 * Named places where a process can be made to die the way a power cut or the OOM killer kills it, for the
 * reliability suite (tests/reliability/fault-points.test.ts): `FAULT_POINT=<name>` in a process's environment
 * and that process sends itself SIGKILL the first time it reaches the point — no finally blocks, no flushing,
 * no answer. `before-commit`: the work is done but its transaction has not committed (or, around an AMS call,
 * Antom acted and nothing of its answer is stored); `after-commit`: it committed but nobody was answered.
 *
 * Unset (always, in production): the variable is read once when this module loads and each point costs one
 * comparison with undefined. Nothing but the environment variable turns it on, in any build.
 */
export const FAULT_POINTS = [
  /** Charge: Antom answered the pay request, the answer is not stored yet (the attempt row stays CREATED). */
  'charge.before-commit',
  /** Charge: the pay answer is stored, the caller (staff, API, billing run) gets no answer. */
  'charge.after-commit',
  /** Refund: Antom answered the refund request, the answer is not stored yet (the refund stays PENDING). */
  'refund.before-commit',
  /** Refund: the refund's answer is stored, the caller gets no answer. */
  'refund.after-commit',
  /** Notification: verified and parsed, nothing stored (Antom gets no ack and resends). */
  'notify.before-commit',
  /** Notification: stored and applied, Antom gets no ack (and resends). */
  'notify.after-commit',
  /** Billing run: due periods claimed inside the claim transaction, not committed. */
  'billing.before-commit',
  /** Billing run: the claim committed (periods marked charging), no charge sent yet. */
  'billing.after-commit',
] as const;

export type FaultPointName = (typeof FAULT_POINTS)[number];

const armed = faultPointSetting();
if (armed !== undefined) {
  writeSync(2, `[fault-point] FAULT_POINT=${armed} is set: this process kills itself when it gets there${(FAULT_POINTS as readonly string[]).includes(armed) ? '' : ' (no such point: it never will)'}\n`);
}

/** Dies here (SIGKILL) when FAULT_POINT names this point; otherwise nothing. */
export function faultPoint(name: FaultPointName): void {
  if (armed === undefined || armed !== name) return;
  writeSync(2, `[fault-point] ${name}: SIGKILL (pid ${process.pid})\n`);
  process.kill(process.pid, 'SIGKILL');
}
