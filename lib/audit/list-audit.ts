import { dayKey, DEFAULT_TIME_ZONE, isDayKey, nextDay, startOfDay } from '@/lib/time/zone';
import { and, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';

export interface AuditFilters {
  /** Actor email (exact, case-insensitive). */
  actor: string | null;
  /** Exact action, or a prefix ending in '.' (e.g. "auth."). */
  action: string | null;
  objectType: string | null;
  objectId: string | null;
  /** Inclusive days in `zone`, each as its first instant. */
  from: Date | null;
  to: Date | null;
  zone: string;
  /** Id of the last entry of the previous page. */
  after: bigint | null;
}

export interface AuditFilterIssue {
  field: 'actor' | 'action' | 'object' | 'from' | 'to' | 'after';
  value: string;
}

export interface AuditListItem {
  id: string;
  createdAt: Date;
  actorEmail: string | null;
  actorRole: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  ip: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TOKEN = /^[a-z0-9_.:-]{1,80}$/i;

function one(params: Record<string, string | string[] | undefined>, key: string): string | null {
  const raw = params[key];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value : null;
}

function day(value: string, zone: string): Date | null {
  return DAY.test(value) && isDayKey(value) ? startOfDay(value, zone) : null;
}

/** Reads the audit page's URL filters; a bad value is reported and dropped (never silently widened). */
export function parseAuditFilters(params: Record<string, string | string[] | undefined>, zone: string = DEFAULT_TIME_ZONE): { filters: AuditFilters; issues: AuditFilterIssue[] } {
  const issues: AuditFilterIssue[] = [];
  const filters: AuditFilters = { actor: null, action: null, objectType: null, objectId: null, from: null, to: null, zone, after: null };
  const actor = one(params, 'actor');
  if (actor) {
    if (actor.length <= 254 && actor.includes('@')) filters.actor = actor.toLowerCase();
    else issues.push({ field: 'actor', value: actor.slice(0, 40) });
  }
  const action = one(params, 'action');
  if (action) {
    if (TOKEN.test(action)) filters.action = action;
    else issues.push({ field: 'action', value: action.slice(0, 40) });
  }
  const object = one(params, 'object');
  if (object) {
    // "customer" or "customer:<id>".
    const [type, ...rest] = object.split(':');
    const id = rest.join(':');
    if (type && TOKEN.test(type) && (!id || id.length <= 100)) {
      filters.objectType = type;
      filters.objectId = id || null;
    } else issues.push({ field: 'object', value: object.slice(0, 40) });
  }
  for (const key of ['from', 'to'] as const) {
    const value = one(params, key);
    if (!value) continue;
    const d = day(value, zone);
    if (d) filters[key] = d;
    else issues.push({ field: key, value });
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    issues.push({ field: 'to', value: `${one(params, 'from')} > ${one(params, 'to')}` });
    filters.from = filters.to = null;
  }
  const after = one(params, 'after');
  if (after) {
    if (/^\d{1,18}$/.test(after)) filters.after = BigInt(after);
    else issues.push({ field: 'after', value: after.slice(0, 40) });
  }
  return { filters, issues };
}

/**
 * The audit log newest first (by id, which follows insertion), filtered by actor, action (exact or "prefix."),
 * object and date range (days of the viewer's zone); keyset-paginated by id. Admins only: the service checks it again because the
 * log shows every staff member's activity and sign-in addresses. Never selects before/after values here.
 */
export async function listAudit(db: Db, actor: Pick<Actor, 'role'>, filters: AuditFilters, limit = 50): Promise<{ items: AuditListItem[]; nextCursor: string | null }> {
  assertCan(actor, 'audit.read');
  const size = Math.min(Math.max(limit, 1), 100);
  const where: SQL[] = [];
  if (filters.actor) where.push(eq(sql`lower(${auditLog.actorEmail})`, filters.actor));
  if (filters.action) {
    where.push(filters.action.endsWith('.') ? sql`${auditLog.action} like ${`${filters.action.replace(/[%_\\]/g, '\\$&')}%`}` : eq(auditLog.action, filters.action));
  }
  if (filters.objectType) where.push(eq(auditLog.objectType, filters.objectType));
  if (filters.objectId) where.push(eq(auditLog.objectId, filters.objectId));
  if (filters.from) where.push(gte(auditLog.createdAt, filters.from));
  if (filters.to) where.push(lt(auditLog.createdAt, startOfDay(nextDay(dayKey(filters.to, filters.zone)), filters.zone)));
  if (filters.after !== null) where.push(lte(auditLog.id, filters.after - 1n));
  const rows = await db
    .select({
      id: auditLog.id,
      createdAt: auditLog.createdAt,
      actorEmail: auditLog.actorEmail,
      actorRole: auditLog.actorRole,
      action: auditLog.action,
      objectType: auditLog.objectType,
      objectId: auditLog.objectId,
      ip: auditLog.ip,
    })
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(size + 1);
  const items = rows.slice(0, size).map((r) => ({ ...r, id: r.id.toString() }));
  return { items, nextCursor: rows.length > size ? items[items.length - 1]!.id : null };
}

/** The distinct actions recorded so far, for the filter's suggestions. */
export async function listAuditActions(db: Db, actor: Pick<Actor, 'role'>): Promise<string[]> {
  assertCan(actor, 'audit.read');
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action).limit(200);
  return rows.map((r) => r.action);
}
