import type { KeyObject } from 'node:crypto';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import type { TokenBuckets } from '@/lib/http/token-buckets';
import type { Enqueue } from '@/lib/jobs/define-job';

/** The notify URLs Antom calls, one per kind (the simulator and the Antom console use the same three). */
export const NOTIFY_CHANNELS = ['payment', 'refund', 'authorization'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** Route path of a notify URL inside the app (before any public base path). */
export function notifyRoutePath(channel: NotifyChannel): string {
  return `/api/alipay/notify/${channel}`;
}

/** What the notification services need; the app builds it from env (app-deps.ts), tests by hand. */
export interface NotificationDeps {
  db: Db;
  vault: TokenVault;
  /** Antom's public keys by keyVersion: two during a rotation, both accepted. */
  publicKeys: Readonly<Record<string, KeyObject>>;
  /** Our Client-Id: a notification for another client is refused. */
  clientId: string;
  /**
   * The public path of each notify URL exactly as registered with Antom (its signature covers it). Taken
   * from configuration, never from the request URL, which rewrites and trailing-slash rules can change.
   */
  publicPaths: Readonly<Record<NotifyChannel, string>>;
  /** Follow-up jobs (applyToken after AUTHCODE_CREATED), enqueued only after commit. */
  enqueue: Enqueue;
  /**
   * Per source address: each delivery refused before verification takes a token; an address with none left
   * is answered 429 before its body is read. Deliveries that verify take nothing, so Antom is never slowed.
   */
  rejectionLimiter?: TokenBuckets;
  now?: () => Date;
}

/** Refused (unverifiable) deliveries one address may cause: a burst (NOTIFICATION_REJECTION_BURST, default 20), then one every 3 seconds. */
export const REJECTION_REFILL_PER_SECOND = 1 / 3;

/** Largest body accepted; Antom's notifications are a few KB. */
export const MAX_NOTIFICATION_BYTES = 64 * 1024;
