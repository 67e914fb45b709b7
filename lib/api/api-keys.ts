import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { AUDIT_COLUMNS, auditValues, recordAudit } from '@/lib/audit/record-audit';
import { executePrepared } from '@/lib/db/execute-prepared';
import { API_KEY_REVOKED_CHANNEL, clearApiKeyCaches, type ApiKeyCache } from './key-cache';
import type { Db } from '@/lib/db/client';
import { isUuid } from '@/lib/db/is-uuid';
import { apiKeys, type ApiKey, type ApiKeyScope } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';

/**
 * Merchant API keys: `dk_test_` (simulator gateway) or `dk_live_` (Antom) + 32 random bytes in base64url.
 * 256 bits of entropy, so one SHA-256 is a sufficient hash (no password stretching needed); the lookup is by
 * that hash and the stored hash is compared again in constant time. The secret is returned once by
 * createApiKey and never stored or logged.
 */
export type ApiKeyMode = 'test' | 'live';
export const API_KEY_PATTERN = /^dk_(test|live)_[A-Za-z0-9_-]{43}$/;
/** How many characters of the secret are kept and shown (the mode and 8 random characters). */
const PREFIX_LENGTH = 16;

export function apiKeyModeFor(gateway: 'antom' | 'simulator'): ApiKeyMode {
  return gateway === 'antom' ? 'live' : 'test';
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateApiKey(mode: ApiKeyMode): { secret: string; prefix: string; hash: string } {
  const secret = `dk_${mode}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, PREFIX_LENGTH), hash: hashApiKey(secret) };
}

/** One entry of an allow-list: an IPv4/IPv6 address or a CIDR range. */
function parseIpEntry(entry: string): { address: string; prefix: number | null; family: 'ipv4' | 'ipv6' } | null {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (bits === undefined) return { address, prefix: null, family };
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (version === 4 ? 32 : 128)) return null;
  return { address, prefix: Number(bits), family };
}

/** The allow-list as typed in Settings: addresses or CIDR ranges separated by commas, spaces or lines. */
export const allowedIpsText = z
  .string()
  .max(2000, 'Keep the list under 2,000 characters.')
  .transform((text, ctx) => {
    const entries = text.split(/[\s,]+/).filter(Boolean);
    for (const entry of entries) {
      if (!parseIpEntry(entry)) {
        ctx.addIssue({ code: 'custom', message: `"${entry.slice(0, 60)}" is not an IP address or CIDR range (e.g. 203.0.113.7 or 203.0.113.0/24).` });
        return z.NEVER;
      }
    }
    if (entries.length > 50) {
      ctx.addIssue({ code: 'custom', message: 'At most 50 addresses or ranges.' });
      return z.NEVER;
    }
    return [...new Set(entries)];
  });

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, 'Name the key (e.g. the system that uses it).').max(80, 'Keep the name under 80 characters.'),
  scope: z.enum(['read_only', 'read_write'], { error: 'Choose read-only or read-write.' }),
  allowedIps: allowedIpsText.default([]),
});
export type CreateApiKeyInput = z.output<typeof createApiKeyInput>;

export function ipAllowed(allowed: readonly string[], ip: string | null): boolean {
  if (allowed.length === 0) return true;
  if (!ip || isIP(ip) === 0) return false;
  const list = new BlockList();
  for (const entry of allowed) {
    const parsed = parseIpEntry(entry);
    if (!parsed) continue;
    if (parsed.prefix === null) list.addAddress(parsed.address, parsed.family);
    else list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
}

export type ApiKeyView = Pick<ApiKey, 'id' | 'name' | 'mode' | 'prefix' | 'scope' | 'allowedIps' | 'createdAt' | 'revokedAt' | 'lastUsedAt' | 'lastUsedIp'>;
const VIEW = {
  id: apiKeys.id,
  name: apiKeys.name,
  mode: apiKeys.mode,
  prefix: apiKeys.prefix,
  scope: apiKeys.scope,
  allowedIps: apiKeys.allowedIps,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
  lastUsedAt: apiKeys.lastUsedAt,
  lastUsedIp: apiKeys.lastUsedIp,
};

/** Makes a key; the secret is in the answer once and nowhere else. Admins only (`keys.manage`), audited. */
export async function createApiKey(db: Db, actor: Actor, input: CreateApiKeyInput, mode: ApiKeyMode): Promise<ServiceResult<{ key: ApiKeyView; secret: string }>> {
  assertCan(actor, 'keys.manage');
  const generated = generateApiKey(mode);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ name: input.name, mode, prefix: generated.prefix, secretHash: generated.hash, scope: input.scope, allowedIps: input.allowedIps, createdBy: actor.userId })
      .returning(VIEW);
    await recordAudit(tx, actor, { action: 'api_key.create', objectType: 'api_key', objectId: row!.id, after: { name: input.name, prefix: generated.prefix, scope: input.scope, allowedIps: input.allowedIps } });
    return ok({ key: row!, secret: generated.secret });
  });
}

export async function listApiKeys(db: Db, actor: Actor): Promise<ApiKeyView[]> {
  assertCan(actor, 'keys.manage');
  return db.select(VIEW).from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).limit(200);
}

/**
 * Revokes at once: this process's key caches are cleared now, other instances' on the NOTIFY sent at commit, and
 * no cache entry lives past ApiKeyCache's TTL (500 ms), so the next request is refused on every instance within 1 s.
 */
export async function revokeApiKey(db: Db, actor: Actor, id: string, now = new Date()): Promise<ServiceResult<{ revokedAt: Date }, 'not_found' | 'already_revoked'>> {
  assertCan(actor, 'keys.manage');
  if (!isUuid(id)) return fail('not_found', 'No such API key.');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: now, revokedBy: actor.userId })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id, prefix: apiKeys.prefix });
    if (!row) {
      const [exists] = await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id));
      return exists ? fail('already_revoked', 'This key is already revoked.') : fail('not_found', 'No such API key.');
    }
    await recordAudit(tx, actor, { action: 'api_key.revoke', objectType: 'api_key', objectId: row.id, after: { prefix: row.prefix } });
    await tx.execute(sql`select pg_notify(${API_KEY_REVOKED_CHANNEL}, ${row.id})`);
    return ok({ revokedAt: now });
  }).finally(clearApiKeyCaches);
}

export type ApiKeyAuthFailure = 'missing_key' | 'invalid_key' | 'revoked_key' | 'wrong_mode' | 'ip_not_allowed';
export type AuthenticatedKey = Pick<ApiKey, 'id' | 'name' | 'prefix' | 'scope' | 'mode' | 'createdBy' | 'allowedIps'>;

/** The secret from `Authorization: Bearer <key>` (or Basic with the key as user name, as curl -u key: sends). */
export function secretFromAuthorization(header: string | null): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    return user || null;
  }
  return null;
}

/** Finds the key for a presented secret and checks it is live, of this mode and used from an allowed address. */
export type KeyRow = AuthenticatedKey & Pick<ApiKey, 'secretHash' | 'revokedAt'>;

/** Finds the key for a presented secret (through the instance's short-lived cache, if given) and checks it is live, of this mode and used from an allowed address. */
export async function authenticateApiKey(
  db: Db,
  input: { secret: string | null; ip: string | null; mode: ApiKeyMode },
  cache?: ApiKeyCache<KeyRow>,
): Promise<{ ok: true; key: AuthenticatedKey } | { ok: false; code: ApiKeyAuthFailure }> {
  if (!input.secret) return { ok: false, code: 'missing_key' };
  if (!API_KEY_PATTERN.test(input.secret)) return { ok: false, code: 'invalid_key' };
  const hash = hashApiKey(input.secret);
  let row = cache?.get(hash);
  if (!row) {
    [row] = await db
      .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, scope: apiKeys.scope, mode: apiKeys.mode, createdBy: apiKeys.createdBy, allowedIps: apiKeys.allowedIps, secretHash: apiKeys.secretHash, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.secretHash, hash))
      .limit(1);
    if (row && !row.revokedAt) cache?.set(hash, row);
  }
  if (!row || !timingSafeEqual(Buffer.from(row.secretHash, 'hex'), Buffer.from(hash, 'hex'))) return { ok: false, code: 'invalid_key' };
  if (row.revokedAt) return { ok: false, code: 'revoked_key' };
  if (row.mode !== input.mode) return { ok: false, code: 'wrong_mode' };
  if (!ipAllowed(row.allowedIps, input.ip)) return { ok: false, code: 'ip_not_allowed' };
  const { secretHash: _hash, revokedAt: _revoked, ...key } = row;
  return { ok: true, key };
}

/**
 * The actor a key acts as in the domain services: its creator's user id (the rows' created_by / initiated_by
 * point at staff), the key named in the actor's e-mail field (`api_key:<prefix>`) so every audit row the
 * services write names the key. Read-write keys act with admin authority (no operator limits: the merchant's
 * own system decides); read-only keys as a viewer.
 */
export function apiKeyActor(key: AuthenticatedKey, ip: string | null, userAgent: string | null): Actor {
  return {
    userId: key.createdBy,
    email: `api_key:${key.prefix}`,
    name: key.name,
    role: key.scope === 'read_write' ? 'admin' : 'viewer',
    sessionId: `api_key:${key.id}`,
    ip,
    userAgent,
  };
}

export interface ApiKeyUse {
  ip: string | null;
  userAgent: string | null;
  method: string;
  path: string;
  status: number;
  requestId: string;
  at?: Date;
}

/** What a request records when it is done: its key, the use, and the stored answer of the key it claimed. */
export interface FinishedApiRequest {
  key: AuthenticatedKey;
  use: ApiKeyUse;
  idempotency?: { key: string; status: number; body: string } | null;
}

/**
 * What finished requests leave behind, in one statement (all or none): each Idempotency-Key's stored answer (when
 * the request claimed one), each key's latest use (stamped at most once a second per key, so concurrent requests
 * do not queue on the key row) and one audit row per request, by key id. Called by the group commit below.
 */
export async function recordApiKeyUses(db: Db, finished: readonly FinishedApiRequest[]): Promise<void> {
  if (finished.length === 0) return;
  const rows: SQL[] = [];
  const audits: SQL[] = [];
  for (const { key, use, idempotency } of finished) {
    const at = use.at ?? new Date();
    rows.push(sql`(${key.id}::uuid, ${use.ip}::text, ${at.toISOString()}::timestamptz, ${idempotency?.key ?? null}::text, ${idempotency?.status ?? null}::int, ${idempotency?.body ?? null}::text)`);
    audits.push(
      auditValues(apiKeyActor(key, use.ip, use.userAgent), {
        action: 'api_key.use',
        objectType: 'api_key',
        objectId: key.id,
        at,
        after: { method: use.method, path: use.path.slice(0, 200), status: use.status, requestId: use.requestId },
      }),
    );
  }
  await executePrepared(
    db,
    sql`with v(key_id, ip, at, idempotency_key, status_code, body) as (values ${sql.join(rows, sql`, `)}),
        latest as (select distinct on (key_id) key_id, ip, at from v order by key_id, at desc),
        used as (update api_keys k set last_used_at = latest.at, last_used_ip = latest.ip from latest
          where k.id = latest.key_id and (k.last_used_at is null or k.last_used_at < latest.at - interval '1 second' or k.last_used_ip is distinct from latest.ip) returning 1),
        stored as (update api_idempotency_keys i set status_code = v.status_code, response_body = v.body from v
          where v.idempotency_key is not null and i.api_key_id = v.key_id and i.idempotency_key = v.idempotency_key and i.status_code is null returning 1)
        insert into audit_log ${AUDIT_COLUMNS} values ${sql.join(audits, sql`, `)}`,
  );
}

/** Finished requests recorded per statement at most (so a statement stays small and its text one of few). */
const GROUP_AT_MOST = 32;

/**
 * Group commit of finished requests: one recording statement at a time per database; the requests that finish
 * while it runs go into the next one together. Each caller's promise settles when its own record is committed,
 * so an answer is still only sent once its stored copy is durable. If a grouped statement fails, each request is
 * recorded on its own (and fails alone).
 */
export function recordApiKeyUseGrouped(db: Db, finished: FinishedApiRequest): Promise<void> {
  let group = groups.get(db);
  if (!group) {
    group = new UseGroup(db);
    groups.set(db, group);
  }
  return group.add(finished);
}

const groups = new WeakMap<Db, UseGroup>();

class UseGroup {
  private waiting: { finished: FinishedApiRequest; done: (error?: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly db: Db) {}

  add(finished: FinishedApiRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ finished, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, GROUP_AT_MOST);
        try {
          await recordApiKeyUses(this.db, batch.map((b) => b.finished));
          for (const b of batch) b.done();
        } catch (error) {
          // One bad row must not fail the others: each alone, with its own error (a batch of one already was).
          if (batch.length === 1) {
            batch[0]!.done(error ?? new Error('recording the API key use failed'));
            continue;
          }
          await Promise.all(
            batch.map(async (b) => {
              try {
                await recordApiKeyUses(this.db, [b.finished]);
                b.done();
              } catch (error) {
                b.done(error ?? new Error('recording the API key use failed'));
              }
            }),
          );
        }
      }
    } finally {
      this.running = false;
    }
  }
}

export type { ApiKeyScope };
