import type { KeyObject } from 'node:crypto';
import { loadPublicKey } from '@/lib/alipay';
import { getTokenVault } from '@/lib/crypto/app-vault';
import { getDb } from '@/lib/db';
import { env, type Env } from '@/lib/env';
import { TokenBuckets } from '@/lib/http/token-buckets';
import { enqueueJob } from '@/lib/jobs/process-queue';
import { NOTIFY_CHANNELS, notifyRoutePath, REJECTION_REFILL_PER_SECOND, type NotificationDeps, type NotifyChannel } from './notification-deps';

const globalForNotify = globalThis as unknown as { daikouNotifyStatic?: Omit<NotificationDeps, 'db'> };

/** Antom's public keys by keyVersion, from configuration (one, or two during a rotation). */
export function configuredPublicKeys(config: Env): Record<string, KeyObject> {
  if (!config.ALIPAY_PUBLIC_KEY) throw new Error('ALIPAY_PUBLIC_KEY must be set to verify notifications (npm run dev sets it for the local simulator).');
  const keys: Record<string, KeyObject> = { [config.ALIPAY_PUBLIC_KEY_VERSION]: loadPublicKey(config.ALIPAY_PUBLIC_KEY) };
  if (config.ALIPAY_PUBLIC_KEY_2 && config.ALIPAY_PUBLIC_KEY_2_VERSION) keys[config.ALIPAY_PUBLIC_KEY_2_VERSION] = loadPublicKey(config.ALIPAY_PUBLIC_KEY_2);
  return keys;
}

/**
 * The public path of each notify URL: APP_URL's own path (a base path behind a proxy) + the route. This is
 * what Antom signs over; the request's URL is never used for it.
 */
export function configuredNotifyPaths(config: Env): Record<NotifyChannel, string> {
  const base = new URL(config.APP_URL).pathname.replace(/\/+$/, '');
  return Object.fromEntries(NOTIFY_CHANNELS.map((c) => [c, `${base}${notifyRoutePath(c)}`])) as Record<NotifyChannel, string>;
}

/** Everything but the database and the job queue, from configuration. */
export function configuredNotificationDeps(config: Env): Omit<NotificationDeps, 'db' | 'enqueue'> {
  return {
    vault: getTokenVault(),
    publicKeys: configuredPublicKeys(config),
    clientId: config.ALIPAY_CLIENT_ID,
    publicPaths: configuredNotifyPaths(config),
    rejectionLimiter: new TokenBuckets({ capacity: config.NOTIFICATION_REJECTION_BURST, refillPerSecond: REJECTION_REFILL_PER_SECOND }),
  };
}

/** Notification dependencies for this process; keys are parsed once (KeyObjects cached). */
export async function getNotificationDeps(): Promise<NotificationDeps> {
  globalForNotify.daikouNotifyStatic ??= { ...configuredNotificationDeps(env()), enqueue: enqueueJob };
  return { ...globalForNotify.daikouNotifyStatic, db: await getDb() };
}
