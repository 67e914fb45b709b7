import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written inside a unit of work carries. */
export interface LogContext {
  /** Follows one piece of work (a charge) from the staff action or API request through jobs, AMS calls and notifications. */
  correlationId: string;
  [key: string]: string | number | undefined;
}

// One store per process, shared by every module copy (routes, instrumentation, scripts).
const globalForContext = globalThis as unknown as { daikouLogContext?: AsyncLocalStorage<LogContext> };
function storage(): AsyncLocalStorage<LogContext> {
  globalForContext.daikouLogContext ??= new AsyncLocalStorage<LogContext>();
  return globalForContext.daikouLogContext;
}

export function newCorrelationId(): string {
  return randomUUID();
}

/** Runs `fn` with `context` on every log line it (and everything it awaits) writes. */
export function withLogContext<T>(context: Partial<LogContext>, fn: () => T): T {
  const parent = storage().getStore();
  const merged = { ...parent, ...context, correlationId: context.correlationId ?? parent?.correlationId ?? newCorrelationId() } as LogContext;
  return storage().run(merged, fn);
}

/** The correlation id of the work being done, if any. */
export function currentCorrelationId(): string | undefined {
  return storage().getStore()?.correlationId;
}

export function currentLogContext(): Partial<LogContext> {
  return storage().getStore() ?? {};
}

/** A correlation id from outside (a header, a job's data) if it looks like one; else undefined. */
export function acceptCorrelationId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{8,64}$/.test(value) ? value : undefined;
}

/**
 * From here on, the work being done belongs to `id` (a charge's paymentRequestId): every later line of
 * this request or job carries it, so one charge's lines — staff action, AMS calls, resolver jobs,
 * notification — share one correlation id. The first id stays as `requestId`.
 */
export function correlate(id: string): void {
  const store = storage().getStore();
  if (!store || store.correlationId === id) return;
  store.requestId ??= store.correlationId;
  store.correlationId = id;
}

/** Runs `fn` with exactly `store` as its context (the caller keeps the object to read it after). */
export function runInLogContext<T>(store: LogContext, fn: () => T): T {
  return storage().run(store, fn);
}
