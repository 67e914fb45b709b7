import { isIP } from 'node:net';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record-audit';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows-of';
import { webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';
import { EVENT_SOURCE, eventStepOf, eventTypeOf, type EventRow } from './event-source';
import { webhookHeaders } from './standard-webhooks';
import { isPrivateAddress, resolveHost, signingSecrets, WEBHOOK_DELIVER_JOB, type ResolveHost } from './webhook-endpoints';

/** Seconds to wait before each retry (Standard Webhooks' usual schedule, ~3 days in all); then the delivery is failed. */
export const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000, 36_000, 36_000, 36_000, 36_000] as const;

function wants(endpoint: Pick<WebhookEndpoint, 'eventTypes'>, type: string): boolean {
  return endpoint.eventTypes.length === 0 || endpoint.eventTypes.some((t) => (t.endsWith('.') ? type.startsWith(t) : type === t));
}

/**
 * Turns outbox rows (one per timeline event, written by a trigger in the same statement as the event: see
 * lib/db/schema/merchant-api.ts) into one delivery per matching endpoint; with `enqueue`, a delivery job each (the
 * dispatcher, dispatch-webhooks.ts, claims them from the table itself and passes null). Rows are taken with
 * DELETE … FOR UPDATE SKIP LOCKED in the transaction that writes the deliveries, so two runs never take the same
 * row, a failed run gives its rows back, and an event committed late is taken by a later run. Unique (endpoint,
 * event) makes a repeated event harmless. Up to `batches` × `batch` events per call.
 */
export async function fanOutWebhookEvents(db: Db, enqueue: Enqueue | null, now: Date, batch = 500, batches = 20): Promise<number> {
  let total = 0;
  for (let round = 0; round < batches; round++) {
    const { taken, queued } = await fanOutOnce(db, now, batch);
    if (enqueue) for (const id of queued) await enqueue(WEBHOOK_DELIVER_JOB, { deliveryId: id }, { singletonKey: `webhook:${id}` });
    total += queued.length;
    if (taken < batch) break;
  }
  return total;
}

/** One fan-out transaction: up to `batch` outbox rows become deliveries (one multi-row INSERT); their ids. */
export async function fanOutOnce(db: Db, now: Date, batch: number): Promise<{ taken: number; queued: string[] }> {
  return db.transaction((tx) => fanOutIn(tx, now, batch));
}

/** fanOutOnce's work inside a transaction the caller holds (the dispatcher claims in the same one). */
export async function fanOutIn(tx: Db, now: Date, batch: number): Promise<{ taken: number; queued: string[] }> {
  {
    const rows = rowsOf<{ id: string | number; event_id: string }>(
      await tx.execute(sql`delete from webhook_outbox where id in (select id from webhook_outbox order by id limit ${batch} for update skip locked) returning id, event_id`),
    );
    if (rows.length === 0) return { taken: 0, queued: [] as string[] };
    const seqOf = new Map(rows.map((r) => [r.event_id, Number(r.id)]));
    const endpoints = await tx.select().from(webhookEndpoints).where(isNull(webhookEndpoints.disabledAt));
    const ids = [...new Set(rows.map((r) => r.event_id))];
    // One array parameter each, not a parameter per row: the statements stay cheap to build at any batch size.
    const events = endpoints.length ? rowsOf<EventRow & { at_text: string }>(await tx.execute(sql`select e.*, e.created_at::text as at_text from ${EVENT_SOURCE} e where e.id = any(${`{${ids.join(',')}}`}::uuid[]) order by e.created_at, e.id`)) : [];
    const values: { endpoint_id: string; event_id: string; event_type: string; object_key: string; event_at: string; outbox_seq: number; payload: string }[] = [];
    for (const event of events) {
      const type = eventTypeOf(event);
      const createdAt = new Date(event.created_at);
      const payload = JSON.stringify({
        id: event.id,
        type,
        timestamp: createdAt.toISOString(),
        data: { object_type: event.object_type, object_id: event.object_id, refund_id: event.refund_id, step: eventStepOf(event), detail: typeof event.detail === 'string' ? JSON.parse(event.detail) : event.detail },
      });
      for (const endpoint of endpoints) {
        if (!wants(endpoint, type)) continue;
        values.push({ endpoint_id: endpoint.id, event_id: event.id, event_type: type, object_key: `${event.object_type}:${event.object_id}`, event_at: event.at_text, outbox_seq: seqOf.get(event.id) ?? 0, payload });
      }
    }
    if (values.length === 0) return { taken: rows.length, queued: [] as string[] };
    const made = rowsOf<{ id: string }>(
      await tx.execute(sql`
        insert into webhook_deliveries (endpoint_id, event_id, event_type, object_key, event_at, outbox_seq, payload, next_attempt_at)
        select r.endpoint_id, r.event_id, r.event_type, r.object_key, r.event_at, r.outbox_seq, r.payload, ${now.toISOString()}::timestamptz
        from json_to_recordset(${JSON.stringify(values)}::json) as r(endpoint_id uuid, event_id uuid, event_type text, object_key text, event_at timestamptz, outbox_seq bigint, payload text)
        on conflict do nothing
        returning id`),
    ).map((r) => r.id);
    return { taken: rows.length, queued: made };
  }
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'manual' }) => Promise<{ status: number; text(): Promise<string> }>;

/** An endpoint failing without a single success for this long is disabled (the retry window: ~3 days). */
export const WEBHOOK_DISABLE_AFTER_MS = 3 * 24 * 3600_000;
/** A delivery waiting for an earlier event of its object looks again after at most this long. */
const WAIT_RECHECK_SECONDS = 60;

export interface DeliverDeps {
  vault: Pick<TokenVault, 'index'>;
  enqueue: Enqueue;
  fetch?: FetchLike;
  now?: () => Date;
  /** Live mode (Antom): the host is resolved before each attempt and a private address refused (DNS rebinding). */
  live?: boolean;
  resolve?: ResolveHost;
}

/**
 * One attempt of one delivery: POST the stored payload signed per Standard Webhooks (webhook-id = msg_<event>,
 * the same on every retry), 10 s timeout, no redirects. In order per object: while an earlier event of the same
 * object is still pending for this endpoint, the delivery waits ('waiting') and is sent when that one settles.
 * 2xx → succeeded (and the object's next event is queued at once); else the answer is logged and the next attempt
 * scheduled, until RETRY_DELAYS_SECONDS is used up (failed). An endpoint failing with no success for
 * WEBHOOK_DISABLE_AFTER_MS is disabled, with an audit row and the reason shown on the Webhooks page. A pending
 * delivery only moves forward by a guarded UPDATE on its attempt count, so two workers never both record one attempt.
 */
export async function deliverWebhook(db: Db, deps: DeliverDeps, deliveryId: string): Promise<'succeeded' | 'retry' | 'failed' | 'skipped' | 'waiting'> {
  const now = deps.now ?? (() => new Date());
  const [row] = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row || row.delivery.status !== 'pending' || row.endpoint.disabledAt) return 'skipped';
  const { delivery, endpoint } = row;
  const [earlier] = await db
    .select({ id: webhookDeliveries.id, nextAttemptAt: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpoint.id),
        eq(webhookDeliveries.objectKey, delivery.objectKey),
        eq(webhookDeliveries.status, 'pending'),
        or(
          lt(webhookDeliveries.eventAt, delivery.eventAt),
          and(eq(webhookDeliveries.eventAt, delivery.eventAt), lt(webhookDeliveries.outboxSeq, delivery.outboxSeq)),
          and(eq(webhookDeliveries.eventAt, delivery.eventAt), eq(webhookDeliveries.outboxSeq, delivery.outboxSeq), lt(webhookDeliveries.eventId, delivery.eventId)),
        ),
      ),
    )
    .orderBy(asc(webhookDeliveries.eventAt), asc(webhookDeliveries.outboxSeq), asc(webhookDeliveries.eventId))
    .limit(1);
  if (earlier) {
    // The earlier one queues this one when it settles; the recheck only covers a worker lost in between.
    const wait = Math.min(WAIT_RECHECK_SECONDS, Math.max(1, Math.ceil((earlier.nextAttemptAt.getTime() - now().getTime()) / 1000) + 1));
    await deps.enqueue(WEBHOOK_DELIVER_JOB, { deliveryId }, { startAfterSeconds: wait, singletonKey: `webhook:${deliveryId}` });
    return 'waiting';
  }
  const attempt = await sendAttempt(deps, endpoint, delivery, now);
  const moved = await recordAttempt(db, endpoint, delivery, attempt);
  if (!moved) return 'skipped';
  if (moved === 'retry') await deps.enqueue(WEBHOOK_DELIVER_JOB, { deliveryId }, { startAfterSeconds: RETRY_DELAYS_SECONDS[delivery.attempts]!, singletonKey: `webhook:${deliveryId}` });
  else await queueNextOfObject(db, deps.enqueue, endpoint.id, delivery.objectKey);
  return moved;
}

/** What one attempt got back: the status (null when no answer), the start of the answer, or the error. */
export interface Attempt {
  status: number | null;
  answer: string;
  error: string | null;
  started: Date;
  finished: Date;
}

/** Signs and POSTs one delivery (no database access); in live mode the host is resolved and a private address refused first. */
export async function sendAttempt(
  deps: Pick<DeliverDeps, 'vault' | 'fetch' | 'now' | 'live' | 'resolve'> & { refused?: string | null; secrets?: string[] },
  endpoint: WebhookEndpoint,
  delivery: Pick<WebhookDelivery, 'eventId' | 'payload'>,
  now: () => Date = deps.now ?? (() => new Date()),
): Promise<Attempt> {
  const started = now();
  const timestamp = Math.floor(started.getTime() / 1000);
  const headers = { 'content-type': 'application/json', 'user-agent': 'Daikou-Webhooks/1', ...webhookHeaders(deps.secrets ?? signingSecrets(deps.vault, endpoint, started), `msg_${delivery.eventId.replaceAll('-', '')}`, timestamp, delivery.payload) };
  let status: number | null = null;
  let answer = '';
  let error: string | null = deps.refused !== undefined ? deps.refused : deps.live ? await refusedTarget(endpoint.url, deps.resolve ?? resolveHost) : null;
  if (!error) {
    try {
      const response = await (deps.fetch ?? (fetch as unknown as FetchLike))(endpoint.url, { method: 'POST', headers, body: delivery.payload, signal: AbortSignal.timeout(10_000), redirect: 'manual' });
      status = response.status;
      answer = (await response.text()).slice(0, 2000);
    } catch (e) {
      error = ((e as Error)?.message ?? String(e)).slice(0, 500);
    }
  }
  return { status, answer, error, started, finished: now() };
}

export function attemptSucceeded(attempt: Pick<Attempt, 'status'>): boolean {
  return attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
}

/**
 * Records one attempt by a guarded UPDATE on the attempt count (two workers never both record one attempt): 2xx →
 * succeeded; else the next attempt is scheduled until RETRY_DELAYS_SECONDS is used up (failed), and an endpoint
 * failing with no success for WEBHOOK_DISABLE_AFTER_MS is disabled (audited). null when another worker moved it first.
 */
export async function recordAttempt(db: Db, endpoint: Pick<WebhookEndpoint, 'id'>, delivery: Pick<WebhookDelivery, 'id' | 'attempts'>, attempt: Attempt): Promise<'succeeded' | 'retry' | 'failed' | null> {
  const { status, answer, error, started, finished } = attempt;
  const deliveryId = delivery.id;
  const latency = Math.max(0, finished.getTime() - started.getTime());
  const succeeded = attemptSucceeded(attempt);
  const attempts = delivery.attempts + 1;
  const delay = RETRY_DELAYS_SECONDS[attempts - 1];
  const outcome = succeeded ? 'succeeded' : delay === undefined ? 'failed' : 'retry';
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(webhookDeliveries)
      .set({
        attempts,
        status: outcome === 'retry' ? 'pending' : outcome,
        lastStatusCode: status,
        lastError: error ?? (succeeded ? null : `HTTP ${status}`),
        lastResponse: answer,
        lastLatencyMs: latency,
        ...(succeeded ? { deliveredAt: finished } : {}),
        nextAttemptAt: outcome === 'retry' ? new Date(finished.getTime() + delay! * 1000) : finished,
      })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.attempts, delivery.attempts), eq(webhookDeliveries.status, 'pending')))
      .returning({ id: webhookDeliveries.id });
    if (!updated) return null;
    if (succeeded) {
      await tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id));
      return outcome;
    }
    const [health] = await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${started.toISOString()}::timestamptz)` })
      .where(eq(webhookEndpoints.id, endpoint.id))
      .returning({ failingSince: webhookEndpoints.failingSince });
    if (health?.failingSince && finished.getTime() - health.failingSince.getTime() >= WEBHOOK_DISABLE_AFTER_MS) {
      const reason = `Disabled automatically: every delivery since ${health.failingSince.toISOString()} failed (last: ${error ?? `HTTP ${status}`}).`.slice(0, 500);
      const [disabled] = await tx
        .update(webhookEndpoints)
        .set({ disabledAt: finished, disabledReason: reason })
        .where(and(eq(webhookEndpoints.id, endpoint.id), isNull(webhookEndpoints.disabledAt)))
        .returning({ id: webhookEndpoints.id });
      if (disabled) await recordAudit(tx, null, { action: 'webhook_endpoint.auto_disable', objectType: 'webhook_endpoint', objectId: endpoint.id, at: finished, after: { reason } });
    }
    return outcome;
  });
}

/** The object's next pending delivery goes now that the one before it has settled. */
async function queueNextOfObject(db: Db, enqueue: Enqueue, endpointId: string, objectKey: string): Promise<void> {
  const [next] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.objectKey, objectKey), eq(webhookDeliveries.status, 'pending')))
    .orderBy(asc(webhookDeliveries.eventAt), asc(webhookDeliveries.outboxSeq), asc(webhookDeliveries.eventId))
    .limit(1);
  if (next) await enqueue(WEBHOOK_DELIVER_JOB, { deliveryId: next.id }, { singletonKey: `webhook:${next.id}` });
}

/** Live mode: the endpoint's host must not resolve to a private address now (no request is sent if it does). */
export async function refusedTarget(url: string, resolve: ResolveHost): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (e) {
    return `DNS: ${((e as Error)?.message ?? String(e)).slice(0, 200)}`;
  }
  return addresses.some(isPrivateAddress) ? `Refused: ${host} resolves to a private or loopback address.` : null;
}
