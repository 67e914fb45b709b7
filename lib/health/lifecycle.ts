/**
 * The process's lifecycle as the health endpoints and the shutdown path see it. Kept on globalThis: the
 * production build gives each route and the instrumentation hook its own copy of a module, and they must
 * all see one state.
 */
export type LifecyclePhase = 'running' | 'draining';

interface LifecycleState {
  phase: LifecyclePhase;
  /** Requests being answered right now (counted by scripts/serve-next.ts). */
  inFlight: number;
}

const globalForLifecycle = globalThis as unknown as { daikouLifecycle?: LifecycleState };

function state(): LifecycleState {
  globalForLifecycle.daikouLifecycle ??= { phase: 'running', inFlight: 0 };
  return globalForLifecycle.daikouLifecycle;
}

export function lifecyclePhase(): LifecyclePhase {
  return state().phase;
}

/** SIGTERM received: /api/health/ready answers 503 from now on, so load balancers stop sending requests. */
export function beginDraining(): void {
  state().phase = 'draining';
}

export function requestStarted(): void {
  state().inFlight += 1;
}

export function requestFinished(): void {
  state().inFlight = Math.max(0, state().inFlight - 1);
}

export function requestsInFlight(): number {
  return state().inFlight;
}

/** Resets the state (tests). */
export function resetLifecycle(): void {
  globalForLifecycle.daikouLifecycle = { phase: 'running', inFlight: 0 };
}
