import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import type { TokenVault } from '@/lib/crypto/token-vault';
import type { Db } from '@/lib/db/client';
import { isUuid } from '@/lib/db/is-uuid';
import { webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

export const WEBHOOK_DELIVER_JOB = 'webhook-deliver';
/** Both secrets sign for this long after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

/**
 * The signing secret of one generation, derived with the vault's index key (HMAC-SHA256): nothing secret is
 * stored, the same secret comes back on every instance, and a rotation is a new generation.
 */
export function webhookSecret(vault: Pick<TokenVault, 'index'>, endpointId: string, generation: number): string {
  return `whsec_${Buffer.from(vault.index(`${endpointId}:${generation}`, 'webhook_secret'), 'base64url').toString('base64')}`;
}

/** The secrets that sign a delivery now: the current one, and the previous one during the 24 h overlap. */
export function signingSecrets(vault: Pick<TokenVault, 'index'>, endpoint: Pick<WebhookEndpoint, 'id' | 'secretGeneration' | 'previousSecretUntil'>, now: Date): string[] {
  const current = webhookSecret(vault, endpoint.id, endpoint.secretGeneration);
  const previousValid = endpoint.secretGeneration > 1 && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now;
  return previousValid ? [current, webhookSecret(vault, endpoint.id, endpoint.secretGeneration - 1)] : [current];
}

export function isPrivateAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost') || bare.endsWith('.local') || bare.endsWith('.internal')) return true;
  const version = isIP(bare);
  if (version === 4) {
    const [a, b] = bare.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || a >= 224 || (a === 169 && b === 254) || (a === 198 && (b === 18 || b === 19)) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (version === 6) return bare === '::1' || bare === '::' || bare.startsWith('fc') || bare.startsWith('fd') || bare.startsWith('fe80') || bare.startsWith('::ffff:');
  return false;
}

/**
 * Where deliveries may go. Live mode (Antom): https only, and never a loopback, private or link-local
 * address written as such (SSRF); simulator mode also allows http and local addresses for testing.
 * A host name that resolves to a private address is caught by checkWebhookTarget (DNS), not here.
 */
export function checkWebhookUrl(raw: string, live: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter a full URL such as https://shop.example.com/webhooks/daikou.';
  }
  if (url.username || url.password) return 'The URL may not contain a user name or password.';
  if (live) {
    if (url.protocol !== 'https:') return 'In live mode webhook URLs must use https.';
    if (isPrivateAddress(url.hostname)) return 'In live mode webhook URLs may not point at loopback or private addresses.';
  } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'Use an http or https URL.';
  }
  return null;
}

/** Every address a host name resolves to (A and AAAA). */
export type ResolveHost = (host: string) => Promise<string[]>;
export const resolveHost: ResolveHost = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * checkWebhookUrl, and in live mode also where the host name points: a name resolving to any loopback, private or
 * link-local address is refused (SSRF through DNS). The worker repeats this before every live delivery, so a
 * name re-pointed later (DNS rebinding) is refused then too.
 */
export async function checkWebhookTarget(raw: string, live: boolean, resolve: ResolveHost = resolveHost): Promise<string | null> {
  const problem = checkWebhookUrl(raw, live);
  if (problem || !live) return problem;
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return null;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return `The host name ${host} does not resolve.`;
  }
  if (addresses.length === 0) return `The host name ${host} does not resolve.`;
  if (addresses.some(isPrivateAddress)) return 'In live mode webhook URLs may not point at loopback or private addresses (this host name resolves to one).';
  return null;
}

export const createWebhookEndpointInput = z.object({
  url: z.string().trim().min(1, 'Enter the URL.').max(2000, 'Keep the URL under 2,000 characters.'),
  eventTypes: z
    .string()
    .max(2000)
    .default('')
    .transform((text) => [...new Set(text.split(/[\s,]+/).filter(Boolean))])
    .refine((types) => types.every((t) => /^[a-z_]+\.[a-z_.]*$/.test(t)), 'Event types look like charge.succeeded or agreement. (a prefix).'),
});

export async function createWebhookEndpoint(
  db: Db,
  vault: Pick<TokenVault, 'index'>,
  actor: Actor,
  input: z.output<typeof createWebhookEndpointInput>,
  live: boolean,
  resolve: ResolveHost = resolveHost,
): Promise<ServiceResult<{ endpoint: WebhookEndpoint; secret: string }>> {
  assertCan(actor, 'settings.manage');
  const problem = await checkWebhookTarget(input.url, live, resolve);
  if (problem) return fail('url_invalid', problem, { url: [problem] });
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.insert(webhookEndpoints).values({ url: input.url, eventTypes: input.eventTypes, createdBy: actor.userId }).returning();
    await recordAudit(tx, actor, { action: 'webhook_endpoint.create', objectType: 'webhook_endpoint', objectId: endpoint!.id, after: { url: input.url, eventTypes: input.eventTypes } });
    return ok({ endpoint: endpoint!, secret: webhookSecret(vault, endpoint!.id, endpoint!.secretGeneration) });
  });
}

/** A new secret (shown once); the old one keeps signing beside it for 24 h so receivers can switch over. */
export async function rotateWebhookSecret(db: Db, vault: Pick<TokenVault, 'index'>, actor: Actor, id: string, now = new Date()): Promise<ServiceResult<{ secret: string }>> {
  assertCan(actor, 'settings.manage');
  if (!isUuid(id)) return fail('not_found', 'No such webhook endpoint.');
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, id), isNull(webhookEndpoints.disabledAt)));
    if (!current) return fail('not_found', 'No such webhook endpoint.');
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ secretGeneration: current.secretGeneration + 1, previousSecretUntil: new Date(now.getTime() + ROTATION_OVERLAP_MS) })
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.secretGeneration, current.secretGeneration)))
      .returning();
    if (!row) return fail('conflict', 'The secret was rotated at the same moment; reload the page.');
    await recordAudit(tx, actor, { action: 'webhook_endpoint.rotate_secret', objectType: 'webhook_endpoint', objectId: id, after: { generation: row.secretGeneration } });
    return ok({ secret: webhookSecret(vault, id, row.secretGeneration) });
  });
}

export async function disableWebhookEndpoint(db: Db, actor: Actor, id: string, now = new Date()): Promise<ServiceResult<{ disabledAt: Date }>> {
  assertCan(actor, 'settings.manage');
  if (!isUuid(id)) return fail('not_found', 'No such webhook endpoint.');
  return db.transaction(async (tx) => {
    const [row] = await tx.update(webhookEndpoints).set({ disabledAt: now }).where(and(eq(webhookEndpoints.id, id), isNull(webhookEndpoints.disabledAt))).returning({ id: webhookEndpoints.id });
    if (!row) return fail('not_found', 'No such active webhook endpoint.');
    await recordAudit(tx, actor, { action: 'webhook_endpoint.disable', objectType: 'webhook_endpoint', objectId: id });
    return ok({ disabledAt: now });
  });
}

export async function listWebhookEndpoints(db: Db, actor: Actor): Promise<WebhookEndpoint[]> {
  assertCan(actor, 'settings.manage');
  return db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt)).limit(100);
}

/** The delivery log of one endpoint, newest first. */
export async function listWebhookDeliveries(db: Db, actor: Actor, endpointId: string, limit = 25): Promise<WebhookDelivery[]> {
  assertCan(actor, 'settings.manage');
  if (!isUuid(endpointId)) return [];
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(limit);
}

/** Sends a delivery again (its same webhook-id and payload). Refused for an endpoint that is disabled. */
export async function replayWebhookDelivery(db: Db, actor: Actor, enqueue: Enqueue, deliveryId: string, now = new Date()): Promise<ServiceResult<{ queued: true }>> {
  assertCan(actor, 'settings.manage');
  if (!isUuid(deliveryId)) return fail('not_found', 'No such delivery.');
  const [row] = await db
    .select({ delivery: webhookDeliveries, disabledAt: webhookEndpoints.disabledAt })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row) return fail('not_found', 'No such delivery.');
  if (row.disabledAt) return fail('endpoint_disabled', 'This endpoint is disabled; its deliveries cannot be replayed.');
  await db.transaction(async (tx) => {
    await tx.update(webhookDeliveries).set({ status: 'pending', nextAttemptAt: now }).where(eq(webhookDeliveries.id, deliveryId));
    await recordAudit(tx, actor, { action: 'webhook_delivery.replay', objectType: 'webhook_delivery', objectId: deliveryId });
  });
  await enqueue(WEBHOOK_DELIVER_JOB, { deliveryId }, { singletonKey: `webhook:${deliveryId}` });
  return ok({ queued: true });
}
