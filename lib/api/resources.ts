import { randomBytes } from 'node:crypto';
import { and, eq, inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { getPaymentMethod, isPaymentMethodCode } from '@/lib/alipay';
import { revokeAgreement } from '@/lib/agreements/revoke-agreement';
import { createAuthorizationLink, createAuthorizationLinkInput } from '@/lib/customers/create-authorization-link';
import { createCustomer, createCustomerInput } from '@/lib/customers/create-customer';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows-of';
import { agreements, authorizationLinks, billingSchedules, chargeIntents, customers, payments, refunds, type Agreement, type AuthorizationLink, type BillingSchedule, type ChargeIntent, type Customer, type Payment, type Refund, type ScheduleStatus } from '@/lib/db/schema';
import { findIntentById, type IntentWithAttempts } from '@/lib/intents/find-intent';
import { intentStatusOf } from '@/lib/intents/intent-rules';
import { keyset } from '@/lib/lists/keyset';
import { toMajorString } from '@/lib/money';
import { charge, type ChargeErrorCode } from '@/lib/payments/charge';
import { CONFIRM_TTL_HOURS, createPaymentRequest } from '@/lib/payments/create-payment-request';
import { createRefund, type CreateRefundCode } from '@/lib/refunds/create-refund';
import { createSchedule, type ScheduleDraftError } from '@/lib/schedules/create-schedule';
import { cancelSchedule, pauseSchedule, resumeSchedule, type ManageError } from '@/lib/schedules/manage-schedule';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { EVENT_KEYS_TABLE, EVENT_SOURCE, eventStepOf, eventTypeOf, type EventRow } from '@/lib/webhooks/event-source';
import type { ApiContext } from './context';
import { apiFailure, notFound, type ApiFailure } from './errors';
import { operationKeyFor } from './idempotency';
import type { ApiCall } from './route';
import type { agreementObject, authorizationLinkCreate, authorizationLinkObject, chargeAttemptObject, chargeObject, customerObject, eventObject, listQuery, paymentRequestCreate, refundObject, scheduleCancel, scheduleCreate, scheduleObject, schedulePause, scheduleResume } from './schemas';

type Out<T extends z.ZodType> = z.input<T>;
const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

// ── Serialisers ─────────────────────────────────────────────────────────────────────────────────────────
export function customerOut(c: Pick<Customer, 'id' | 'reference' | 'name' | 'email' | 'phone' | 'country' | 'preferredLanguage' | 'createdAt'>): Out<typeof customerObject> {
  return { id: c.id, object: 'customer', reference: c.reference, name: c.name, email: c.email, phone: c.phone, country: c.country, preferred_language: c.preferredLanguage, created_at: iso(c.createdAt) };
}

export function linkOut(link: AuthorizationLink, appUrl: string): Out<typeof authorizationLinkObject> {
  const p = link.plan;
  const plan = p
    ? {
        amount: p.amountMinor,
        currency: p.currency,
        description: p.description,
        interval: p.intervalUnit,
        interval_count: p.intervalCount,
        ...(p.anchorDay !== null ? { anchor_day: p.anchorDay } : {}),
        start_date: p.startDate,
        ...(p.endDate ? { end_date: p.endDate } : {}),
        ...(p.maxPeriods !== null ? { count: p.maxPeriods } : {}),
        time_zone: p.timeZone,
      }
    : null;
  return { id: link.id, object: 'authorization_link', customer_id: link.customerId, status: link.status, url: new URL(`/authorize/${link.token}`, appUrl).toString(), plan, expires_at: iso(link.expiresAt), created_at: iso(link.createdAt) };
}

export function agreementOut(a: Agreement): Out<typeof agreementObject> {
  return {
    id: a.id,
    object: 'agreement',
    customer_id: a.customerId,
    status: a.status,
    payment_method: a.paymentMethod,
    user_login_id_masked: a.userLoginIdMasked,
    failure_code: a.failureCode,
    access_token_expires_at: isoOrNull(a.accessTokenExpiresAt),
    activated_at: isoOrNull(a.activatedAt),
    revoked_at: isoOrNull(a.revokedAt),
    created_at: iso(a.createdAt),
  };
}

export function attemptOut(p: Payment): Out<typeof chargeAttemptObject> {
  return {
    id: p.id,
    object: 'charge_attempt',
    attempt_number: p.attemptNumber,
    status: p.status,
    payment_request_id: p.paymentRequestId,
    amount: p.amountMinor.toString(),
    currency: p.currency,
    amount_refunded: p.refundedMinor.toString(),
    result_code: p.resultCode,
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    created_at: iso(p.createdAt),
    succeeded_at: isoOrNull(p.succeededAt),
    failed_at: isoOrNull(p.failedAt),
  };
}

export function chargeOut(found: IntentWithAttempts): Out<typeof chargeObject> {
  const i = found.intent;
  return {
    id: i.id,
    object: 'charge',
    reference: i.businessKey,
    agreement_id: i.agreementId,
    customer_id: i.customerId,
    amount: i.amountMinor.toString(),
    currency: i.currency,
    description: i.description,
    status: found.status,
    attempts: found.attempts.map(attemptOut),
    created_at: iso(i.createdAt),
  };
}

export function refundOut(r: Refund, intentId: string): Out<typeof refundObject> {
  return {
    id: r.id,
    object: 'refund',
    charge_id: intentId,
    attempt_id: r.paymentId,
    amount: r.amountMinor.toString(),
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    failure_code: r.failureCode,
    failure_message: r.failureMessage,
    created_at: iso(r.createdAt),
    settled_at: isoOrNull(r.settledAt),
  };
}

// ── Pagination (keyset on created_at, id; lib/lists/keyset.ts) ──────────────────────────────────────────
type ListQuery = z.output<typeof listQuery>;

/**
 * Newest first. starting_after = the page after that object; ending_before = the page before it (read
 * oldest-first after it, then reversed). An unknown cursor id gives an empty page, never the whole list.
 */
export async function pageOf<T extends { id: string }>(
  query: ListQuery,
  columns: { table: string; createdAt: AnyColumn; id: AnyColumn },
  read: (where: SQL | null, orderBy: SQL[], limit: number) => Promise<T[]>,
): Promise<{ data: T[]; has_more: boolean } | ApiFailure> {
  if (query.starting_after && query.ending_before) return apiFailure(400, 'invalid_request_error', 'parameter_invalid', 'Give starting_after or ending_before, not both.', 'ending_before');
  const backwards = Boolean(query.ending_before);
  const page = keyset({ sort: backwards ? 'oldest' : 'newest', createdAt: columns.createdAt, id: columns.id, table: columns.table, after: query.ending_before ?? query.starting_after ?? null });
  const rows = await read(page.where, page.orderBy, query.limit + 1);
  const data = rows.slice(0, query.limit);
  return { data: backwards ? data.reverse() : data, has_more: rows.length > query.limit };
}

function list<T>(url: string, page: { data: T[]; has_more: boolean }) {
  return { object: 'list' as const, data: page.data, has_more: page.has_more, url };
}

const all = (...parts: (SQL | null | undefined)[]) => {
  const present = parts.filter((p): p is SQL => Boolean(p));
  return present.length ? and(...present) : undefined;
};

// ── Customers ───────────────────────────────────────────────────────────────────────────────────────────
const CUSTOMER_FIELDS: Record<string, string> = { preferredLanguage: 'preferred_language' };

export async function createCustomerHandler(ctx: ApiContext, call: ApiCall<unknown, unknown, { reference: string; name: string; email?: string; phone?: string; country?: string; preferred_language?: string }>) {
  const b = call.body;
  const parsed = createCustomerInput.safeParse({ reference: b.reference, name: b.name, email: b.email, phone: b.phone, country: b.country, preferredLanguage: b.preferred_language });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    const param = CUSTOMER_FIELDS[field] ?? field;
    return apiFailure(400, 'invalid_request_error', 'parameter_invalid', `${param}: ${issue.message}`, param || null);
  }
  const created = await createCustomer(ctx.db, call.actor, parsed.data);
  if (!created.ok) return apiFailure(409, 'invalid_request_error', 'reference_taken', created.error, 'reference');
  return customerOut(created.data);
}

export async function getCustomerHandler(ctx: ApiContext, id: string) {
  const [row] = await ctx.db.select().from(customers).where(eq(customers.id, id)).limit(1);
  return row ? customerOut(row) : notFound('customer', 'id');
}

export async function listCustomersHandler(ctx: ApiContext, query: ListQuery) {
  const page = await pageOf(query, { table: 'customers', createdAt: customers.createdAt, id: customers.id }, (where, orderBy, limit) =>
    ctx.db.select().from(customers).where(all(where)).orderBy(...orderBy).limit(limit),
  );
  return 'data' in page ? list('/api/v1/customers', { data: page.data.map(customerOut), has_more: page.has_more }) : page;
}

// ── Authorization links ─────────────────────────────────────────────────────────────────────────────────
const PLAN_PARAMS: Record<string, string> = { amount: 'amount', currency: 'currency', description: 'description', intervalUnit: 'interval', intervalCount: 'interval_count', anchorDay: 'anchor_day', startDate: 'start_date', endDate: 'end_date', maxPeriods: 'count', timeZone: 'time_zone' };

export async function createLinkHandler(ctx: ApiContext, call: ApiCall<unknown, unknown, z.output<typeof authorizationLinkCreate>>) {
  const input = createAuthorizationLinkInput.parse({ customerId: call.body.customer_id, expiresInHours: call.body.expires_in_hours });
  const p = call.body.plan;
  const plan = p
    ? { amount: p.amount, amountIsMinor: true, currency: p.currency, description: p.description, intervalUnit: p.interval, intervalCount: p.interval_count ?? 1, anchorDay: p.anchor_day ?? null, startDate: p.start_date, endDate: p.end_date ?? null, maxPeriods: p.count ?? null, timeZone: p.time_zone ?? null }
    : null;
  const link = await createAuthorizationLink(ctx.db, call.actor, { ...input, plan }, ctx.now?.());
  if (!link.ok && link.code === 'plan_invalid') {
    const field = Object.keys(link.fieldErrors ?? {})[0] ?? '';
    return apiFailure(400, 'invalid_request_error', 'parameter_invalid', `plan.${PLAN_PARAMS[field] ?? field}: ${link.error}`, `plan.${PLAN_PARAMS[field] ?? field}`);
  }
  if (!link.ok) return notFound('customer', 'customer_id');
  return linkOut(link.data, ctx.appUrl);
}

export async function getLinkHandler(ctx: ApiContext, id: string) {
  const [row] = await ctx.db.select().from(authorizationLinks).where(eq(authorizationLinks.id, id)).limit(1);
  return row ? linkOut(row, ctx.appUrl) : notFound('authorization link', 'id');
}

// ── Agreements ──────────────────────────────────────────────────────────────────────────────────────────
export async function getAgreementHandler(ctx: ApiContext, id: string) {
  const [row] = await ctx.db.select().from(agreements).where(eq(agreements.id, id)).limit(1);
  return row ? agreementOut(row) : notFound('agreement', 'id');
}

export async function listAgreementsHandler(ctx: ApiContext, query: ListQuery & { customer_id?: string }) {
  const page = await pageOf(query, { table: 'agreements', createdAt: agreements.createdAt, id: agreements.id }, (where, orderBy, limit) =>
    ctx.db
      .select()
      .from(agreements)
      .where(all(where, query.customer_id ? eq(agreements.customerId, query.customer_id) : null))
      .orderBy(...orderBy)
      .limit(limit),
  );
  return 'data' in page ? list('/api/v1/agreements', { data: page.data.map(agreementOut), has_more: page.has_more }) : page;
}

export async function revokeAgreementHandler(ctx: ApiContext, call: ApiCall<{ id: string }, unknown, unknown>) {
  const result = await revokeAgreement(ctx.agreement, { agreementId: call.params.id, by: { kind: 'staff', actor: call.actor } });
  if (!result.ok) {
    if (result.code === 'not_found') return notFound('agreement', 'id');
    if (result.code === 'revoke_in_progress') return apiFailure(409, 'invalid_request_error', result.code, result.error, null, { 'retry-after': '5' });
    if (result.code === 'revoke_unavailable') return apiFailure(503, 'api_error', result.code, result.error, null, { 'retry-after': '30' });
    return apiFailure(409, 'invalid_request_error', result.code, result.error);
  }
  return getAgreementHandler(ctx, call.params.id);
}

// ── Charges ─────────────────────────────────────────────────────────────────────────────────────────────
const CHARGE_FAILURES: Record<ChargeErrorCode, { status: number; param: string | null }> = {
  agreement_not_found: { status: 404, param: 'agreement_id' },
  agreement_not_active: { status: 409, param: 'agreement_id' },
  token_expired: { status: 409, param: 'agreement_id' },
  wallet_not_supported: { status: 409, param: 'agreement_id' },
  currency_mismatch: { status: 400, param: 'currency' },
  amount_invalid: { status: 400, param: 'amount' },
  description_invalid: { status: 400, param: 'description' },
  reference_invalid: { status: 400, param: 'reference' },
  reference_conflict: { status: 409, param: 'reference' },
  intent_closed: { status: 409, param: 'reference' },
  over_operator_limit: { status: 403, param: 'amount' },
  operation_key_conflict: { status: 409, param: 'Idempotency-Key' },
  request_invalid: { status: 400, param: null },
};

export async function createChargeHandler(ctx: ApiContext, call: ApiCall<unknown, unknown, { agreement_id: string; amount: string; currency: string; description: string; reference?: string }>) {
  const b = call.body;
  const result = await charge(ctx.payment, {
    agreementId: b.agreement_id,
    amountMinor: BigInt(b.amount),
    currency: b.currency,
    description: b.description,
    referenceOrderId: b.reference ?? null,
    operationKey: call.idempotencyKey ? operationKeyFor(call.key.id, call.idempotencyKey) : null,
    initiator: { kind: 'api' },
  });
  if (!result.ok) {
    const mapped = CHARGE_FAILURES[result.code];
    return apiFailure(mapped.status, mapped.status === 403 ? 'permission_error' : 'invalid_request_error', result.code, result.error, mapped.param);
  }
  // A charge made by this call answers from what it wrote (its one attempt as the pay answer left it); a
  // replayed or existing one is read back with all its attempts.
  const { intentRow, payment } = result.data;
  const found = intentRow ? { intent: intentRow, attempts: [payment], status: intentStatusOf([payment]) } : await findIntentById(ctx.db, result.data.intent.id);
  if (!found) throw new Error(`charge ${result.data.intent.id} vanished`);
  return chargeOut(found);
}

export async function getChargeHandler(ctx: ApiContext, id: string) {
  const found = await findIntentById(ctx.db, id);
  return found ? chargeOut(found) : notFound('charge', 'id');
}

export async function listChargesHandler(ctx: ApiContext, query: ListQuery & { agreement_id?: string }) {
  const page = await pageOf(query, { table: 'charge_intents', createdAt: chargeIntents.createdAt, id: chargeIntents.id }, (where, orderBy, limit) =>
    ctx.db
      .select()
      .from(chargeIntents)
      .where(all(where, query.agreement_id ? eq(chargeIntents.agreementId, query.agreement_id) : null))
      .orderBy(...orderBy)
      .limit(limit),
  );
  if (!('data' in page)) return page;
  const attempts = page.data.length ? await ctx.db.select().from(payments).where(inArray(payments.intentId, page.data.map((i) => i.id))).orderBy(payments.attemptNumber) : [];
  const byIntent = new Map<string, Payment[]>();
  for (const a of attempts) byIntent.set(a.intentId, [...(byIntent.get(a.intentId) ?? []), a]);
  const data = page.data.map((intent: ChargeIntent) => {
    const own = byIntent.get(intent.id) ?? [];
    return chargeOut({ intent, attempts: own, status: intentStatusOf(own) });
  });
  return list('/api/v1/charges', { data, has_more: page.has_more });
}

// ── Refunds ─────────────────────────────────────────────────────────────────────────────────────────────
const REFUND_FAILURES: Record<CreateRefundCode, { status: number; param: string | null }> = {
  not_found: { status: 404, param: 'charge_id' },
  invalid_amount: { status: 400, param: 'amount' },
  payment_not_refundable: { status: 409, param: 'charge_id' },
  wallet_refunds_unsupported: { status: 409, param: 'charge_id' },
  wallet_partial_refunds_unsupported: { status: 400, param: 'amount' },
  refund_window_passed: { status: 409, param: 'charge_id' },
  exceeds_refundable: { status: 400, param: 'amount' },
  over_operator_limit: { status: 403, param: 'amount' },
  operation_key_reused: { status: 409, param: 'Idempotency-Key' },
  refund_declined: { status: 402, param: null },
  refund_not_sent: { status: 502, param: null },
};

export async function createRefundHandler(ctx: ApiContext, call: ApiCall<unknown, unknown, { charge_id: string; amount: string; reason: string }>) {
  const b = call.body;
  const found = await findIntentById(ctx.db, b.charge_id);
  if (!found) return notFound('charge', 'charge_id');
  const paid = found.attempts.find((a) => a.status === 'SUCCEEDED');
  if (!paid) return apiFailure(409, 'invalid_request_error', 'charge_not_refundable', 'Only a succeeded charge can be refunded.', 'charge_id');
  const result = await createRefund(ctx.refund, call.actor, {
    paymentId: paid.id,
    // createRefund takes the amount as staff type it (major units, parsed exactly in the payment's currency).
    amount: toMajorString(BigInt(b.amount), paid.currency),
    reason: b.reason.trim(),
    operationKey: call.idempotencyKey ? operationKeyFor(call.key.id, call.idempotencyKey) : `api_${randomBytes(24).toString('base64url')}`,
  });
  if (!result.ok) {
    const mapped = REFUND_FAILURES[result.code];
    const type = mapped.status === 403 ? 'permission_error' : mapped.status >= 500 ? 'api_error' : result.code === 'operation_key_reused' ? 'idempotency_error' : 'invalid_request_error';
    return apiFailure(mapped.status, type, result.code, result.error, mapped.param);
  }
  return refundOut(result.data.refund, found.intent.id);
}

async function intentOfPayments(db: Db, paymentIds: string[]): Promise<Map<string, string>> {
  if (paymentIds.length === 0) return new Map();
  const rows = await db.select({ id: payments.id, intentId: payments.intentId }).from(payments).where(inArray(payments.id, [...new Set(paymentIds)]));
  return new Map(rows.map((r) => [r.id, r.intentId]));
}

export async function getRefundHandler(ctx: ApiContext, id: string) {
  const [row] = await ctx.db.select().from(refunds).where(eq(refunds.id, id)).limit(1);
  if (!row) return notFound('refund', 'id');
  const intents = await intentOfPayments(ctx.db, [row.paymentId]);
  return refundOut(row, intents.get(row.paymentId)!);
}

export async function listRefundsHandler(ctx: ApiContext, query: ListQuery & { charge_id?: string }) {
  const page = await pageOf(query, { table: 'refunds', createdAt: refunds.createdAt, id: refunds.id }, (where, orderBy, limit) =>
    ctx.db
      .select()
      .from(refunds)
      .where(all(where, query.charge_id ? sql`${refunds.paymentId} in (select p.id from payments p where p.intent_id = ${query.charge_id})` : null))
      .orderBy(...orderBy)
      .limit(limit),
  );
  if (!('data' in page)) return page;
  const intents = await intentOfPayments(ctx.db, page.data.map((r) => r.paymentId));
  return list('/api/v1/refunds', { data: page.data.map((r) => refundOut(r, intents.get(r.paymentId)!)), has_more: page.has_more });
}

// ── Events: the agreement, payment and schedule timelines, for catching up ────────────────────────────
export async function listEventsHandler(ctx: ApiContext, query: ListQuery) {
  const e = (column: string) => sql.raw(`e.${column}`) as unknown as AnyColumn;
  const page = await pageOf<EventRow>(query, { table: EVENT_KEYS_TABLE, createdAt: e('created_at'), id: e('id') }, async (where, orderBy, limit) =>
    rowsOf<EventRow>(await ctx.db.execute(sql`select e.* from ${EVENT_SOURCE} e ${where ? sql`where ${where}` : sql``} order by ${sql.join(orderBy, sql`, `)} limit ${limit}`)),
  );
  if (!('data' in page)) return page;
  const data: Out<typeof eventObject>[] = page.data.map((row) => ({
    id: row.id,
    object: 'event',
    type: eventTypeOf(row),
    step: eventStepOf(row),
    object_type: row.object_type,
    object_id: row.object_id,
    refund_id: row.refund_id,
    data: typeof row.detail === 'string' ? (JSON.parse(row.detail) as Record<string, unknown>) : row.detail,
    created_at: new Date(row.created_at).toISOString(),
  }));
  return list('/api/v1/events', { data, has_more: page.has_more });
}

// ── Payment requests (the buyer confirms one payment on /pay/<token>) ─────────────────────────────────
const PAYMENT_REQUEST_FAILURES: Record<string, { status: number; param: string | null }> = {
  ...CHARGE_FAILURES,
  reference_in_use: { status: 409, param: 'reference' },
};

export async function createPaymentRequestHandler(ctx: ApiContext, call: ApiCall<unknown, unknown, z.output<typeof paymentRequestCreate>>) {
  const b = call.body;
  const result = await createPaymentRequest(ctx.payment, call.actor, {
    agreementId: b.agreement_id,
    amountMinor: BigInt(b.amount),
    currency: b.currency,
    description: b.description,
    referenceOrderId: b.reference ?? null,
  });
  if (!result.ok) {
    const mapped = PAYMENT_REQUEST_FAILURES[result.code] ?? { status: 400, param: null };
    return apiFailure(mapped.status, mapped.status === 403 ? 'permission_error' : 'invalid_request_error', result.code, result.error, mapped.param);
  }
  const [attempt] = await ctx.db.select().from(payments).where(eq(payments.id, result.data.paymentId)).limit(1);
  if (!attempt) throw new Error(`payment request ${result.data.paymentId} vanished`);
  return {
    id: attempt.id,
    object: 'payment_request' as const,
    charge_id: attempt.intentId,
    attempt_id: attempt.id,
    reference: result.data.orderReference,
    amount: attempt.amountMinor.toString(),
    currency: attempt.currency,
    description: attempt.description,
    url: new URL(result.data.path, ctx.appUrl).toString(),
    expires_at: iso(attempt.confirmExpiresAt ?? new Date(attempt.createdAt.getTime() + CONFIRM_TTL_HOURS * 3600_000)),
  };
}

// ── Schedules ───────────────────────────────────────────────────────────────────────────────────────────
export function scheduleOut(s: BillingSchedule): Out<typeof scheduleObject> {
  return {
    id: s.id,
    object: 'schedule',
    agreement_id: s.agreementId,
    customer_id: s.customerId,
    status: s.status,
    status_reason: s.statusReason,
    amount: s.amountMinor.toString(),
    currency: s.currency,
    description: s.description,
    interval: s.intervalUnit,
    interval_count: s.intervalCount,
    anchor_day: s.anchorDay,
    time_zone: s.timeZone,
    start_date: s.startDate,
    end_date: s.endDate,
    max_periods: s.maxPeriods,
    catch_up: s.catchUp,
    cancel_at_period_end: s.cancelAtPeriodEnd,
    next_charge_at: isoOrNull(s.nextDueAt),
    created_at: iso(s.createdAt),
  };
}

/** The domain's field names (the dashboard form's) as the API names them. */
const SCHEDULE_FIELDS: Record<string, string> = { intervalUnit: 'interval', intervalCount: 'interval_count', anchorDay: 'anchor_day', startDate: 'start_date', endDate: 'end_date', maxPeriods: 'max_periods', timeZone: 'time_zone' };
const SCHEDULE_FAILURES: Record<ScheduleDraftError, { status: number; param: string | null }> = {
  agreement_not_found: { status: 404, param: 'agreement_id' },
  agreement_not_active: { status: 409, param: 'agreement_id' },
  wallet_not_supported: { status: 409, param: 'agreement_id' },
  currency_mismatch: { status: 400, param: 'currency' },
  amount_invalid: { status: 400, param: 'amount' },
  description_invalid: { status: 400, param: 'description' },
  calendar_invalid: { status: 400, param: null },
  no_periods: { status: 400, param: 'start_date' },
};

export async function createScheduleHandler(ctx: ApiContext, call: ApiCall<unknown, unknown, z.output<typeof scheduleCreate>>) {
  const b = call.body;
  const [agreement] = await ctx.db.select({ paymentMethod: agreements.paymentMethod }).from(agreements).where(eq(agreements.id, b.agreement_id)).limit(1);
  if (!agreement) return notFound('agreement', 'agreement_id');
  // The domain takes the amount as staff type it (major units): the minor units say it exactly in the wallet's currency.
  const currency = b.currency ?? walletCurrency(agreement.paymentMethod);
  if (!currency) return apiFailure(409, 'invalid_request_error', 'wallet_not_supported', `${agreement.paymentMethod} is not a wallet Daikou can charge.`, 'agreement_id');
  const timeZone = b.time_zone ?? (await getMerchantSettings(ctx.db)).timeZone;
  const created = await createSchedule(
    ctx.db,
    call.actor,
    {
      agreementId: b.agreement_id,
      amount: toMajorString(BigInt(b.amount), currency),
      currency: b.currency ?? null,
      description: b.description,
      intervalUnit: b.interval,
      intervalCount: b.interval_count ?? 1,
      anchorDay: b.anchor_day ?? null,
      startDate: b.start_date,
      endDate: b.end_date ?? null,
      maxPeriods: b.max_periods ?? null,
      timeZone,
      catchUp: b.catch_up ?? false,
    },
    ctx.now?.(),
  );
  if (!created.ok) {
    const mapped = SCHEDULE_FAILURES[created.code];
    const field = Object.keys(created.fieldErrors ?? {})[0];
    const param = mapped.param ?? (field ? (SCHEDULE_FIELDS[field] ?? field) : null);
    return apiFailure(mapped.status, 'invalid_request_error', created.code, created.error, param);
  }
  return scheduleOut(created.data);
}

function walletCurrency(paymentMethod: string): string | null {
  return isPaymentMethodCode(paymentMethod) ? (getPaymentMethod(paymentMethod)?.currency ?? null) : null;
}

const MANAGE_FAILURES: Record<ManageError, number> = { not_found: 404, not_allowed: 409, agreement_not_active: 409, amount_invalid: 400, conflict: 409 };

function managed(result: Awaited<ReturnType<typeof pauseSchedule>>) {
  if (result.ok) return scheduleOut(result.data);
  if (result.code === 'not_found') return notFound('schedule', 'id');
  return apiFailure(MANAGE_FAILURES[result.code], 'invalid_request_error', result.code === 'not_allowed' ? 'schedule_state_invalid' : result.code, result.error, result.code === 'agreement_not_active' ? 'agreement_id' : null);
}

export async function pauseScheduleHandler(ctx: ApiContext, call: ApiCall<{ id: string }, unknown, z.output<typeof schedulePause>>) {
  return managed(await pauseSchedule(ctx.db, call.actor, call.params.id, call.body.reason ?? null, ctx.now?.()));
}

export async function resumeScheduleHandler(ctx: ApiContext, call: ApiCall<{ id: string }, unknown, z.output<typeof scheduleResume>>) {
  return managed(await resumeSchedule(ctx.db, call.actor, call.params.id, { backBill: call.body.back_bill ?? false }, ctx.now?.()));
}

export async function cancelScheduleHandler(ctx: ApiContext, call: ApiCall<{ id: string }, unknown, z.output<typeof scheduleCancel>>) {
  return managed(await cancelSchedule(ctx.db, call.actor, call.params.id, call.body.at ?? 'now', ctx.now?.()));
}

export async function getScheduleHandler(ctx: ApiContext, id: string) {
  const [row] = await ctx.db.select().from(billingSchedules).where(eq(billingSchedules.id, id)).limit(1);
  return row ? scheduleOut(row) : notFound('schedule', 'id');
}

export async function listSchedulesHandler(ctx: ApiContext, query: ListQuery & { agreement_id?: string; status?: ScheduleStatus }) {
  const page = await pageOf(query, { table: 'billing_schedules', createdAt: billingSchedules.createdAt, id: billingSchedules.id }, (where, orderBy, limit) =>
    ctx.db
      .select()
      .from(billingSchedules)
      .where(all(where, query.agreement_id ? eq(billingSchedules.agreementId, query.agreement_id) : null, query.status ? eq(billingSchedules.status, query.status) : null))
      .orderBy(...orderBy)
      .limit(limit),
  );
  return 'data' in page ? list('/api/v1/schedules', { data: page.data.map(scheduleOut), has_more: page.has_more }) : page;
}
