import { and, desc, eq, isNull, lt, or, type SQL } from 'drizzle-orm';
import { ENDPOINTS, type EndpointName } from '@/lib/alipay';
import type { Db } from '@/lib/db/client';
import { apiCalls, type ApiCall } from '@/lib/db/schema';

export const API_CALL_ENDPOINTS = Object.keys(ENDPOINTS) as EndpointName[];
/** `error`: no answer at all (timeout, network, 5xx, refused before sending). */
export const API_CALL_RESULTS = ['success', 'failed', 'unknown', 'error'] as const;
export type ApiCallResultFilter = (typeof API_CALL_RESULTS)[number];
export const API_CALL_PAGE_SIZE = 50;
const OBJECT_KINDS = ['payment', 'refund', 'agreement'] as const;

export interface ApiCallFilters {
  endpoint?: string | null;
  result?: string | null;
  /** A subject (`payment:<uuid>`) or a bare id, matched against every object kind. */
  object?: string | null;
  /** Keyset cursor: the id of the last row of the previous page. */
  before?: string | null;
}

/**
 * The API call log, newest first, filtered by endpoint, result and object, 50 a page (keyset on the id, so
 * paging stays fast and stable while calls are added). Unknown filter values are ignored, never an error.
 */
export async function listApiCalls(db: Db, filters: ApiCallFilters): Promise<{ items: ApiCall[]; nextCursor: string | null }> {
  const conditions: SQL[] = [];
  if (filters.endpoint && (API_CALL_ENDPOINTS as string[]).includes(filters.endpoint)) conditions.push(eq(apiCalls.endpoint, filters.endpoint));
  const result = filters.result as ApiCallResultFilter | null | undefined;
  if (result && (API_CALL_RESULTS as readonly string[]).includes(result)) conditions.push(result === 'error' ? isNull(apiCalls.outcome) : eq(apiCalls.outcome, result));
  const object = filters.object?.trim();
  if (object) {
    const subjects = object.includes(':') ? [object] : OBJECT_KINDS.map((kind) => `${kind}:${object}`);
    conditions.push(or(...subjects.map((s) => eq(apiCalls.subject, s)))!);
  }
  if (filters.before && /^[0-9]{1,19}$/.test(filters.before)) conditions.push(lt(apiCalls.id, BigInt(filters.before)));
  const rows = await db
    .select()
    .from(apiCalls)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(apiCalls.id))
    .limit(API_CALL_PAGE_SIZE + 1);
  const items = rows.slice(0, API_CALL_PAGE_SIZE);
  return { items, nextCursor: rows.length > API_CALL_PAGE_SIZE ? items[items.length - 1]!.id.toString() : null };
}

/** The Developers page filtered to one object's calls: the payment timeline links here. */
export function apiCallsHref(subject: string): string {
  return `/dashboard/developers?object=${encodeURIComponent(subject)}`;
}
