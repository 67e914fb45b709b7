/**
 * The simulator's clock: real time plus an offset that only ever grows (the control API's "advance").
 *
 * Invariant: `now()` is monotonic non-decreasing across `advance` calls. Business time (token expiry,
 * the 1-minute payment expiry, the cancel window, declaration progress) reads this clock, so a test can
 * jump a day ahead without waiting. The notification resend schedule additionally multiplies its
 * intervals by `timeScale` (see notifier.ts): time-scale compresses waiting, never business rules.
 */
export class SimClock {
  private offsetMs: number;

  constructor(initialOffsetMs = 0) {
    this.offsetMs = initialOffsetMs;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves simulated time forward; negative values are refused so recorded times never go backwards. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock can only move forward');
    this.offsetMs += Math.floor(ms);
    return this.now();
  }

  /** The offset, persisted so that a restart keeps simulated time where it was. */
  get offset(): number {
    return this.offsetMs;
  }
}
