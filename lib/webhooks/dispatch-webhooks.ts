import { sql } from 'drizzle-orm';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Database, Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows-of';
import type { WebhookEndpoint } from '@/lib/db/schema';
import { attemptSucceeded, fanOutIn, recordAttempt, refusedTarget, sendAttempt, type Attempt, type FetchLike } from './deliver-webhooks';
import { keepAlivePost } from './keep-alive-post';
import { resolveHost, signingSecrets, type ResolveHost } from './webhook-endpoints';

/**
 * While idle, the dispatcher looks at the outbox this often at first, doubling up to OUTBOX_POLL_MAX_MS while it stays
 * empty (and back to the first step after any work). The outbox trigger does not NOTIFY (drizzle/0026: PostgreSQL
 * serialises the commits of all notifying transactions), so this probe is how another process's events are seen.
 */
export const OUTBOX_POLL_MIN_MS = 20;
export const OUTBOX_POLL_MAX_MS = 250;
/** A claimed delivery is not claimed again for this long (a dispatcher that died mid-round is covered after it). */
export const CLAIM_LEASE_MS = 60_000;
/** Claims are serialised by this transaction-scoped advisory lock, so two dispatchers never split one object's events. */
const CLAIM_LOCK = 7_384_020_231;

export interface DispatchDeps {
  vault: Pick<TokenVault, 'index'>;
  /** The HTTP client (default: keep-alive node:http agents). */
  post?: FetchLike;
  now?: () => Date;
  /** Live mode (Antom): each endpoint's host is resolved once per round and a private address refused. */
  live?: boolean;
  resolve?: ResolveHost;
}

export interface DispatchOptions {
  /** Most deliveries claimed per round. */
  batch?: number;
  /** Objects (endpoint × object) delivered at once; each object's events go one after another, in order. */
  concurrency?: number;
}

interface ClaimedRow {
  id: string;
  url: string;
  secret_generation: number;
  previous_secret_until: string | Date | null;
  endpoint_id: string;
  event_id: string;
  object_key: string;
  payload: string;
  attempts: number;
}

/**
 * Claims up to `batch` due deliveries in one statement: FOR UPDATE SKIP LOCKED, under a transaction advisory lock
 * so claims never interleave, and only deliveries with no earlier pending event of their object that is not due
 * (being retried later, or claimed by another round: the lease pushes next_attempt_at ahead). Ordered by event
 * time, so when the limit cuts an object's events it keeps the earliest. Claimed rows get a lease.
 */
async function fanOutAndClaim(db: Db, now: Date, batch: number): Promise<{ fannedOut: number; claimed: ClaimedRow[] }> {
  const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
    const fanned = await fanOutIn(tx, now, batch);
    const claimed = rowsOf<ClaimedRow>(
      await tx.execute(sql`
        with claimed as (
        update webhook_deliveries w set next_attempt_at = ${lease.toISOString()}::timestamptz
        from (
          select d.id from webhook_deliveries d
          join webhook_endpoints ep on ep.id = d.endpoint_id and ep.disabled_at is null
          where d.status = 'pending' and d.next_attempt_at <= ${now.toISOString()}::timestamptz
            and not exists (
              select 1 from webhook_deliveries e
              where e.endpoint_id = d.endpoint_id and e.object_key = d.object_key and e.status = 'pending'
                and e.next_attempt_at > ${now.toISOString()}::timestamptz and (e.event_at, e.outbox_seq, e.event_id) < (d.event_at, d.outbox_seq, d.event_id)
            )
          order by d.event_at, d.outbox_seq, d.event_id
          limit ${batch}
          for update of d skip locked
        ) c
        where w.id = c.id
        returning w.id, w.endpoint_id, w.event_id, w.object_key, w.payload, w.attempts, w.event_at, w.outbox_seq
        )
        select c.id, c.endpoint_id, c.event_id, c.object_key, c.payload, c.attempts, ep.url, ep.secret_generation, ep.previous_secret_until
        from claimed c join webhook_endpoints ep on ep.id = c.endpoint_id
        order by c.event_at, c.outbox_seq, c.event_id`),
    );
    return { fannedOut: fanned.queued.length, claimed };
  });
}

/** Successful attempts in one UPDATE (and their endpoints marked healthy in one more). */
async function recordSuccesses(db: Db, done: { row: ClaimedRow; attempt: Attempt }[]): Promise<void> {
  if (done.length === 0) return;
  const rows = done.map(({ row, attempt }) => ({ id: row.id, attempts: row.attempts, status: attempt.status, answer: attempt.answer, latency: Math.max(0, attempt.finished.getTime() - attempt.started.getTime()), at: attempt.finished.toISOString() }));
  await db.execute(sql`
    update webhook_deliveries d set status = 'succeeded', attempts = v.attempts + 1, last_status_code = v.status, last_error = null,
      last_response = v.answer, last_latency_ms = v.latency, delivered_at = v.at, next_attempt_at = v.at
    from json_to_recordset(${JSON.stringify(rows)}::json) as v(id uuid, attempts int, status int, answer text, latency int, at timestamptz)
    where d.id = v.id and d.attempts = v.attempts and d.status = 'pending'`);
  const endpoints = [...new Set(done.map((d) => d.row.endpoint_id))];
  await db.execute(sql`update webhook_endpoints set failing_since = null where failing_since is not null and id = any(${uuidArray(endpoints)}::uuid[])`);
}

/** A uuid[] literal as one parameter (ids come from the database: no quoting needed). */
function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

/**
 * One round of the dispatcher: the outbox becomes deliveries (fanOutOnce), then due deliveries are claimed and
 * sent — objects side by side (up to `concurrency`), each object's events one after another in event order. A
 * failed attempt stops its object for this round: its later events are given back (due, but held by the claim
 * rule until the failed one succeeds or is given up). Returns how many were fanned out, claimed and delivered.
 */
export async function dispatchWebhooks(db: Db, deps: DispatchDeps, options: DispatchOptions = {}): Promise<{ fannedOut: number; claimed: number; delivered: number }> {
  const now = deps.now ?? (() => new Date());
  const batch = options.batch ?? 500;
  const { fannedOut, claimed } = await fanOutAndClaim(db, now(), batch);
  if (claimed.length === 0) return { fannedOut, claimed: 0, delivered: 0 };
  const endpoints = new Map<string, WebhookEndpoint>();
  for (const r of claimed) {
    if (endpoints.has(r.endpoint_id)) continue;
    const previous = r.previous_secret_until ? new Date(r.previous_secret_until) : null;
    endpoints.set(r.endpoint_id, { id: r.endpoint_id, url: r.url, secretGeneration: Number(r.secret_generation), previousSecretUntil: previous, disabledAt: null } as WebhookEndpoint);
  }
  const started = now();
  const perEndpoint = new Map<string, { secrets: string[]; refused: string | null }>();
  for (const endpoint of endpoints.values()) {
    perEndpoint.set(endpoint.id, { secrets: signingSecrets(deps.vault, endpoint, started), refused: deps.live ? await refusedTarget(endpoint.url, deps.resolve ?? resolveHost) : null });
  }
  // Per object, in event order (claimDue returns them sorted).
  const objects = new Map<string, ClaimedRow[]>();
  for (const row of claimed) {
    const key = `${row.endpoint_id}\n${row.object_key}`;
    const list = objects.get(key);
    if (list) list.push(row);
    else objects.set(key, [row]);
  }
  const succeeded: { row: ClaimedRow; attempt: Attempt }[] = [];
  const givenBack = new Set<string>();
  const queue = [...objects.values()];
  const post = deps.post ?? defaultPost();
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 32, queue.length) }, async () => {
      for (let rows = queue.shift(); rows; rows = queue.shift()) {
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          const endpoint = endpoints.get(row.endpoint_id);
          const extra = perEndpoint.get(row.endpoint_id);
          if (!endpoint || !extra || endpoint.disabledAt) break;
          const attempt = await sendAttempt({ vault: deps.vault, fetch: post, secrets: extra.secrets, refused: extra.refused }, endpoint, { eventId: row.event_id, payload: row.payload }, now);
          if (attemptSucceeded(attempt)) {
            succeeded.push({ row, attempt });
            continue;
          }
          await recordAttempt(db, endpoint, { id: row.id, attempts: row.attempts }, attempt);
          for (const later of rows.slice(i + 1)) givenBack.add(later.id);
          break;
        }
      }
    }),
  );
  // Rows not reached (a disabled endpoint, an object stopped by a failure) are due again at once.
  const reached = new Set([...succeeded.map((s) => s.row.id)]);
  const untouched = claimed.filter((r) => !reached.has(r.id) && (givenBack.has(r.id) || !endpoints.get(r.endpoint_id) || endpoints.get(r.endpoint_id)!.disabledAt));
  await recordSuccesses(db, succeeded);
  if (untouched.length > 0) {
    await db.execute(sql`update webhook_deliveries set next_attempt_at = ${now().toISOString()}::timestamptz where status = 'pending' and id = any(${uuidArray(untouched.map((r) => r.id))}::uuid[])`);
  }
  return { fannedOut, claimed: claimed.length, delivered: succeeded.length };
}

let sharedPost: ReturnType<typeof keepAlivePost> | undefined;
function defaultPost(): FetchLike {
  return (sharedPost ??= keepAlivePost());
}

export interface WebhookDispatcher {
  /** Runs a round soon (the in-process signal: a caller that just wrote events need not wait for the probe). */
  wake(): void;
  /** Finishes the running round and stops. */
  stop(): Promise<void>;
}

/** True when the outbox holds an event not yet fanned out (one index probe, no lock). */
async function outboxWaiting(db: Db): Promise<boolean> {
  return rowsOf(await db.execute(sql`select 1 from webhook_outbox order by id limit 1`)).length > 0;
}

/**
 * The delivery loop of a worker process: a round whenever the outbox has rows (looked at every OUTBOX_POLL_MIN_MS
 * to OUTBOX_POLL_MAX_MS while idle) or wake() is called, rounds back to back while there is work, and otherwise one
 * round every `idleMs` (retries that have come due). Any number of dispatchers may run on one database.
 */
export function startWebhookDispatcher(
  database: Pick<Database, 'db'>,
  deps: DispatchDeps,
  options: DispatchOptions & { idleMs?: number; loops?: number; pollMs?: { min: number; max: number }; onError?: (error: unknown) => void } = {},
): WebhookDispatcher {
  const idleMs = options.idleMs ?? 1000;
  const poll = options.pollMs ?? { min: OUTBOX_POLL_MIN_MS, max: OUTBOX_POLL_MAX_MS };
  let stopped = false;
  let pending = true;
  let rounds = 0;
  const waiters = new Set<() => void>();
  const sleepers = new Set<() => void>();
  const wake = () => {
    pending = true;
    for (const resolve of waiters) resolve();
  };
  /** Sleeps `ms`, or less when stopped or (with `wakeable`) woken. */
  const sleep = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      (wakeable ? waiters : sleepers).add(done);
    });
  // `loops` rounds may overlap (default 2): one sends while the next fans out and claims (claims are leased and
  // serialised, so overlapping rounds never take the same delivery or split an object's order).
  const runLoop = async () => {
    while (!stopped) {
      if (!pending) await sleep(idleMs, true);
      pending = false;
      if (stopped) break;
      rounds++;
      try {
        const round = await dispatchWebhooks(database.db, deps, options);
        if (round.claimed > 0 || round.fannedOut > 0) pending = true;
      } catch (error) {
        (options.onError ?? ((e) => console.error('[webhooks] dispatch round failed:', e)))(error);
        await sleep(idleMs, false);
      } finally {
        rounds--;
      }
    }
  };
  // The probe: while no round runs and none is due, a look at the outbox, at growing intervals while it is empty.
  const probeLoop = async () => {
    let step = poll.min;
    while (!stopped) {
      await sleep(step, false);
      if (stopped) break;
      if (pending || rounds > 0) {
        step = poll.min;
        continue;
      }
      const waiting = await outboxWaiting(database.db).catch(() => false);
      if (waiting) wake();
      step = waiting ? poll.min : Math.min(step * 2, poll.max);
    }
  };
  const loop = Promise.all([...Array.from({ length: Math.max(1, options.loops ?? 2) }, runLoop), probeLoop()]);
  return {
    wake,
    async stop() {
      stopped = true;
      wake();
      for (const done of sleepers) done();
      await loop;
    },
  };
}
