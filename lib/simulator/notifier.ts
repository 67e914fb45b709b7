/**
 * Notification delivery, Antom style (ams-api.md §1.4, §3, §7.2–7.3, §11.1, §16.3).
 *
 * Invariants:
 * - Each notification is POSTed with Content-Type, Client-Id (the merchant's), Request-Time and a
 *   Signature made with the simulator's private key over `POST <path+query of the merchant URL>\n
 *   <clientId>.<Request-Time>.<body>`; the body bytes are fixed at creation, every resend repeats them.
 * - Only HTTP 200 whose body is `result.resultCode = SUCCESS, resultStatus = S` acknowledges.
 * - Unacknowledged: resend at +0 s, 2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h after each failed attempt
 *   (9 attempts in all), each interval multiplied by `timeScale`; then give up.
 * - Every attempt, forced or scheduled, lands in the delivery log with status, latency and answer.
 */
import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { buildSignContent, formatSignatureHeader, signContent } from '../alipay/signature';
import type { SimClock } from './clock';
import type { DeliveryAttempt, NotificationRecord, NotificationType, NotifyMode, SimStore } from './store';
import { isAcknowledgement, isoTime } from './wire';

/** Antom's resend intervals (ams-api.md §7.3), in ms. */
export const RESEND_INTERVALS_MS: readonly number[] = [
  0,
  2 * 60_000,
  10 * 60_000,
  10 * 60_000,
  60 * 60_000,
  2 * 60 * 60_000,
  6 * 60 * 60_000,
  15 * 60 * 60_000,
];

/** How long a "delayed-notification" scenario holds the first attempt back (simulated ms). */
export const DELAYED_NOTIFICATION_MS = 30_000;

const ANSWER_LOG_CHARS = 1000;

export interface NotifierOptions {
  store: SimStore;
  clock: SimClock;
  timeScale: number;
  privateKey: KeyObject;
  keyVersion: string;
  /** Real-time limit for one delivery attempt. */
  attemptTimeoutMs: number;
}

export interface EnqueueInput {
  clientId: string;
  type: NotificationType;
  url: string | undefined;
  body: Record<string, unknown>;
  relatedId: string;
  mode?: NotifyMode;
}

export class Notifier {
  private readonly inFlight = new Map<string, Promise<DeliveryAttempt>>();
  private closed = false;

  constructor(private readonly opts: NotifierOptions) {}

  /**
   * Records a notification and schedules its first attempt (now, or later for the delayed scenario).
   * Returns the records created: none without a URL or with mode `none`, three for `duplicate`.
   */
  enqueue(input: EnqueueInput): NotificationRecord[] {
    const mode = input.mode ?? 'normal';
    if (!input.url || mode === 'none') return [];
    const now = this.opts.clock.now();
    const body = JSON.stringify(input.body);
    const copies = mode === 'duplicate' ? 3 : 1;
    const records: NotificationRecord[] = [];
    for (let i = 0; i < copies; i++) {
      const record: NotificationRecord = {
        id: randomUUID(),
        clientId: input.clientId,
        type: input.type,
        url: input.url,
        body,
        relatedId: input.relatedId,
        status: 'PENDING',
        attempts: 0,
        createdAt: now,
        nextAttemptAt: mode === 'delayed' ? now + DELAYED_NOTIFICATION_MS : now,
      };
      this.opts.store.putNotification(record);
      records.push(record);
    }
    // Deliver at once rather than at the next tick: first attempts are not part of the resend schedule.
    if (mode !== 'delayed') for (const r of records) this.start(r, false);
    return records;
  }

  /** Starts every attempt that is due. Called by the server's ticker. */
  tick(): void {
    if (this.closed) return;
    const now = this.opts.clock.now();
    for (const id of this.opts.store.pendingNotifications) {
      const n = this.opts.store.state.notifications[id];
      if (!n || n.status !== 'PENDING' || this.inFlight.has(id)) continue;
      if ((n.nextAttemptAt ?? 0) <= now) this.start(n, false);
    }
  }

  /** One extra attempt now, whatever the record's state (control API "force resend"). */
  forceResend(id: string): Promise<DeliveryAttempt> | undefined {
    const n = this.opts.store.state.notifications[id];
    if (!n) return undefined;
    return this.inFlight.get(id) ?? this.start(n, true);
  }

  /** Stops scheduling and waits for attempts already on the wire. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private start(n: NotificationRecord, forced: boolean): Promise<DeliveryAttempt> {
    const p = this.attempt(n, forced).finally(() => this.inFlight.delete(n.id));
    this.inFlight.set(n.id, p);
    return p;
  }

  private async attempt(n: NotificationRecord, forced: boolean): Promise<DeliveryAttempt> {
    const { clock, store, privateKey, keyVersion } = this.opts;
    // Wire timestamps stay on real time (only business time is simulated), so a merchant's freshness
    // window keeps accepting notifications after the control API advanced the clock.
    const requestTime = isoTime(Date.now());
    const url = new URL(n.url);
    const signature = signContent(
      buildSignContent({ method: 'POST', path: `${url.pathname}${url.search}`, clientId: n.clientId, time: requestTime, body: n.body }),
      privateKey,
    );
    const started = performance.now();
    const at = clock.now();
    let httpStatus: number | null = null;
    let answer = '';
    let error: string | undefined;
    try {
      const res = await fetch(n.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=UTF-8',
          'client-id': n.clientId,
          'request-time': requestTime,
          signature: formatSignatureHeader({ keyVersion, signature }),
        },
        body: n.body,
        signal: AbortSignal.timeout(this.opts.attemptTimeoutMs),
        redirect: 'manual',
      });
      httpStatus = res.status;
      answer = (await res.text()).slice(0, ANSWER_LOG_CHARS);
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const acknowledged = httpStatus === 200 && isAcknowledgement(answer);
    // Forced attempts are extra: they do not consume a slot of the resend schedule.
    if (!forced) n.attempts += 1;
    const attempt: DeliveryAttempt = {
      notificationId: n.id,
      type: n.type,
      attempt: n.attempts,
      at,
      url: n.url,
      httpStatus,
      latencyMs: Math.round(performance.now() - started),
      answer,
      acknowledged,
      forced,
      ...(error ? { error } : {}),
    };
    store.addDelivery(attempt);
    if (acknowledged) {
      if (n.status !== 'DELIVERED') {
        n.status = 'DELIVERED';
        n.deliveredAt = clock.now();
        delete n.nextAttemptAt;
      }
    } else if (n.status === 'PENDING' && !forced) {
      const resendIndex = n.attempts - 1;
      const interval = RESEND_INTERVALS_MS[resendIndex];
      if (interval === undefined) {
        n.status = 'GAVE_UP';
        delete n.nextAttemptAt;
      } else {
        n.nextAttemptAt = clock.now() + interval * this.opts.timeScale;
      }
    }
    store.putNotification(n);
    return attempt;
  }
}
