import { and, eq, isNull, sql } from 'drizzle-orm';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows-of';
import { webhookDeliveries, webhookEndpoints, webhookFanoutCursor, type WebhookEndpoint } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';
import { webhookHeaders } from './standard-webhooks';
import { signingSecrets, WEBHOOK_DELIVER_JOB } from './webhook-endpoints';

/** Seconds to wait before each retry (Standard Webhooks' usual schedule, ~3 days in all); then the delivery is failed. */
export const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000, 36_000, 36_000, 36_000, 36_000] as const;
/** Events newer than this are left for the next run, so a transaction committing late is not skipped. */
const SETTLE_MS = 2_000;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

type EventRow = { id: string; object_type: string; object_id: string; refund_id: string | null; type: string; detail: unknown; created_at: Date | string };

function wants(endpoint: Pick<WebhookEndpoint, 'eventTypes'>, type: string): boolean {
  return endpoint.eventTypes.length === 0 || endpoint.eventTypes.some((t) => (t.endsWith('.') ? type.startsWith(t) : type === t));
}

/**
 * Turns new timeline entries (agreement_events, payment_events — the same events GET /api/v1/events lists)
 * into one delivery per matching endpoint, oldest first, and queues them. The cursor starts at the first run
 * (history is not sent). Unique (endpoint, event) makes a repeated run harmless.
 */
export async function fanOutWebhookEvents(db: Db, enqueue: Enqueue, now: Date, batch = 500): Promise<number> {
  let [cursor] = await db.select().from(webhookFanoutCursor).where(eq(webhookFanoutCursor.id, 1));
  if (!cursor) {
    await db.insert(webhookFanoutCursor).values({ id: 1, afterCreatedAt: new Date(now.getTime() - SETTLE_MS), afterId: NIL_UUID }).onConflictDoNothing();
    [cursor] = await db.select().from(webhookFanoutCursor).where(eq(webhookFanoutCursor.id, 1));
  }
  const endpoints = await db.select().from(webhookEndpoints).where(isNull(webhookEndpoints.disabledAt));
  const until = new Date(now.getTime() - SETTLE_MS);
  const events = rowsOf<EventRow>(
    await db.execute(sql`select e.* from (
      select id, 'agreement' as object_type, agreement_id as object_id, null::uuid as refund_id, type, detail, created_at from agreement_events
      union all
      select id, 'charge_attempt' as object_type, payment_id as object_id, refund_id, type, detail, created_at from payment_events
    ) e where (e.created_at, e.id) > (${cursor!.afterCreatedAt.toISOString()}::timestamptz, ${cursor!.afterId}::uuid) and e.created_at < ${until.toISOString()}::timestamptz
    order by e.created_at, e.id limit ${batch}`),
  );
  if (events.length === 0) return 0;
  const queued: string[] = [];
  for (const event of events) {
    const type = `${event.refund_id ? 'refund' : event.object_type}.${event.type}`;
    const createdAt = new Date(event.created_at);
    const payload = JSON.stringify({
      id: event.id,
      type,
      timestamp: createdAt.toISOString(),
      data: { object_type: event.object_type, object_id: event.object_id, refund_id: event.refund_id, detail: typeof event.detail === 'string' ? JSON.parse(event.detail) : event.detail },
    });
    for (const endpoint of endpoints) {
      if (!wants(endpoint, type)) continue;
      const [row] = await db
        .insert(webhookDeliveries)
        .values({ endpointId: endpoint.id, eventId: event.id, eventType: type, payload, nextAttemptAt: now })
        .onConflictDoNothing()
        .returning({ id: webhookDeliveries.id });
      if (row) queued.push(row.id);
    }
  }
  const last = events[events.length - 1]!;
  await db.update(webhookFanoutCursor).set({ afterCreatedAt: new Date(last.created_at), afterId: last.id }).where(eq(webhookFanoutCursor.id, 1));
  for (const id of queued) await enqueue(WEBHOOK_DELIVER_JOB, { deliveryId: id }, { singletonKey: `webhook:${id}` });
  return queued.length;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'manual' }) => Promise<{ status: number; text(): Promise<string> }>;

/**
 * One attempt of one delivery: POST the stored payload signed per Standard Webhooks (webhook-id = msg_<event>,
 * the same on every retry), 10 s timeout, no redirects. 2xx → succeeded; else the answer is logged and the next
 * attempt scheduled, until RETRY_DELAYS_SECONDS is used up (failed). A pending delivery only moves forward by
 * a guarded UPDATE on its attempt count, so two workers never both record one attempt.
 */
export async function deliverWebhook(db: Db, deps: { vault: Pick<TokenVault, 'index'>; enqueue: Enqueue; fetch?: FetchLike; now?: () => Date }, deliveryId: string): Promise<'succeeded' | 'retry' | 'failed' | 'skipped'> {
  const now = deps.now ?? (() => new Date());
  const [row] = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row || row.delivery.status !== 'pending' || row.endpoint.disabledAt) return 'skipped';
  const { delivery, endpoint } = row;
  const started = now();
  const timestamp = Math.floor(started.getTime() / 1000);
  const headers = { 'content-type': 'application/json', 'user-agent': 'Daikou-Webhooks/1', ...webhookHeaders(signingSecrets(deps.vault, endpoint, started), `msg_${delivery.eventId.replaceAll('-', '')}`, timestamp, delivery.payload) };
  let status: number | null = null;
  let answer = '';
  let error: string | null = null;
  try {
    const response = await (deps.fetch ?? (fetch as unknown as FetchLike))(endpoint.url, { method: 'POST', headers, body: delivery.payload, signal: AbortSignal.timeout(10_000), redirect: 'manual' });
    status = response.status;
    answer = (await response.text()).slice(0, 2000);
  } catch (e) {
    error = ((e as Error)?.message ?? String(e)).slice(0, 500);
  }
  const latency = Math.max(0, now().getTime() - started.getTime());
  const succeeded = status !== null && status >= 200 && status < 300;
  const attempts = delivery.attempts + 1;
  const delay = RETRY_DELAYS_SECONDS[attempts - 1];
  const outcome = succeeded ? 'succeeded' : delay === undefined ? 'failed' : 'retry';
  const [moved] = await db
    .update(webhookDeliveries)
    .set({
      attempts,
      status: outcome === 'retry' ? 'pending' : outcome,
      lastStatusCode: status,
      lastError: error ?? (succeeded ? null : `HTTP ${status}`),
      lastResponse: answer,
      lastLatencyMs: latency,
      ...(succeeded ? { deliveredAt: now() } : {}),
      nextAttemptAt: outcome === 'retry' ? new Date(now().getTime() + delay! * 1000) : now(),
    })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.attempts, delivery.attempts), eq(webhookDeliveries.status, 'pending')))
    .returning({ id: webhookDeliveries.id });
  if (!moved) return 'skipped';
  if (outcome === 'retry') await deps.enqueue(WEBHOOK_DELIVER_JOB, { deliveryId }, { startAfterSeconds: delay!, singletonKey: `webhook:${deliveryId}` });
  return outcome;
}
