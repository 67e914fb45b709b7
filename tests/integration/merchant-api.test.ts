import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '@/lib/api/api-keys';
import { apiRateLimiter, type ApiContext } from '@/lib/api/context';
import { apiErrorSchema } from '@/lib/api/errors';
import { pruneIdempotencyKeys, requestFingerprint } from '@/lib/api/idempotency';
import { handleApiRequest, type ApiRoute } from '@/lib/api/route';
import { API_ROUTES, type ApiOperationId } from '@/lib/api/routes';
import { openDatabase, type Db } from '@/lib/db/client';
import { apiIdempotencyKeys, apiKeys, auditLog, billingSchedules, customers } from '@/lib/db/schema';
import type { RefundDeps } from '@/lib/refunds/refund-deps';
import { startPaymentWorld, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

let world: PaymentWorld;
let ctx: ApiContext;
let writeKey: { id: string; secret: string };
let readKey: { id: string; secret: string };

interface Call {
  body?: unknown;
  rawBody?: string;
  params?: Record<string, string>;
  query?: string;
  key?: string | null;
  ip?: string;
  headers?: Record<string, string>;
  context?: ApiContext;
}

/** One request through the same runtime the Next route handlers use. */
async function api(operation: ApiOperationId, call: Call = {}) {
  const route = API_ROUTES[operation] as ApiRoute;
  const path = route.path.replace('{id}', call.params?.id ?? '').replace(/^\/v1/, '/api/v1');
  const headers: Record<string, string> = { 'x-daikou-socket-ip': call.ip ?? '127.0.0.1', 'user-agent': 'vitest', ...(call.headers ?? {}) };
  const key = call.key === undefined ? writeKey.secret : call.key;
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (route.method === 'POST') {
    body = call.rawBody ?? JSON.stringify(call.body ?? {});
    headers['content-type'] ??= 'application/json';
  }
  const request = new Request(`http://localhost:3300${path}${call.query ? `?${call.query}` : ''}`, { method: route.method, headers, body });
  const response = await handleApiRequest(route, request, call.context ?? ctx, call.params ?? {});
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked against their zod schema just below
  const json = JSON.parse(text) as Record<string, any>;
  if (response.status < 400) {
    // Every success answer is what the route's response schema (and so the OpenAPI document) says.
    const checked = route.response.safeParse(json);
    if (!checked.success) throw new Error(`${operation} answered off-schema: ${checked.error.message}`);
  } else {
    expect(apiErrorSchema.safeParse(json).success, text).toBe(true);
  }
  expect(response.status).not.toBe(500);
  return { status: response.status, headers: response.headers, text, json };
}

async function keyFor(scope: 'read_only' | 'read_write', allowedIps: string[] = [], mode: 'test' | 'live' = 'test') {
  const made = await createApiKey(world.database.db, world.admin, { name: `key ${scope}`, scope, allowedIps }, mode);
  if (!made.ok) throw new Error(made.error);
  return { id: made.data.key.id, secret: made.data.secret };
}

describe(`merchant API (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    world = await startPaymentWorld();
    const db = world.database.db;
    const refund: RefundDeps = { db, alipay: world.alipay, enqueue: async () => {} };
    ctx = {
      db,
      payment: world.deps(),
      refund,
      agreement: { db, alipay: world.sim.alipay, vault: world.vault, returnUrl: 'http://localhost:3300/authorize/return' },
      mode: 'test',
      appUrl: 'http://localhost:3300',
      rateLimiter: apiRateLimiter(10_000, 10_000),
      trustedProxyHops: 0,
    };
    writeKey = await keyFor('read_write');
    readKey = await keyFor('read_only');
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('keys: shown once with the mode prefix, stored only as a SHA-256 hash', async () => {
    expect(writeKey.secret).toMatch(/^dk_test_[A-Za-z0-9_-]{43}$/);
    const live = await keyFor('read_write', [], 'live');
    expect(live.secret).toMatch(/^dk_live_/);
    const [row] = await world.database.db.select().from(apiKeys).where(eq(apiKeys.id, writeKey.id));
    expect(JSON.stringify(row)).not.toContain(writeKey.secret);
    expect(row!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.prefix).toBe(writeKey.secret.slice(0, 16));
  });

  it('authentication failures answer 401 with the typed error shape', async () => {
    const missing = await api('listCustomers', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatchObject({ type: 'authentication_error', code: 'missing_key', param: null, request_id: expect.stringMatching(/^req_/) });
    expect((await api('listCustomers', { key: 'dk_test_nope' })).json.error.code).toBe('invalid_key');
    expect((await api('listCustomers', { key: `dk_test_${'A'.repeat(43)}` })).json.error.code).toBe('invalid_key');
    const live = await keyFor('read_write', [], 'live');
    const wrongMode = await api('listCustomers', { key: live.secret });
    expect(wrongMode.status).toBe(401);
    expect(wrongMode.json.error.code).toBe('wrong_mode');
    // curl -u key: sends Basic auth with the key as the user name.
    const basic = await api('listCustomers', { key: null, headers: { authorization: `Basic ${Buffer.from(`${writeKey.secret}:`).toString('base64')}` } });
    expect(basic.status).toBe(200);
  });

  it('scopes: a read-only key reads but may not POST (403)', async () => {
    expect((await api('listCustomers', { key: readKey.secret })).status).toBe(200);
    const refused = await api('createCustomer', { key: readKey.secret, body: { reference: 'ro-1', name: 'Read Only' } });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ type: 'permission_error', code: 'read_only_key' });
    const [row] = await world.database.db.select().from(customers).where(eq(customers.reference, 'ro-1'));
    expect(row).toBeUndefined();
  });

  it('IP allow-list: only from the listed addresses and ranges', async () => {
    const listed = await keyFor('read_only', ['203.0.113.0/24', '2001:db8::1']);
    expect((await api('listCustomers', { key: listed.secret, ip: '203.0.113.9' })).status).toBe(200);
    expect((await api('listCustomers', { key: listed.secret, ip: '2001:db8::1' })).status).toBe(200);
    const outside = await api('listCustomers', { key: listed.secret, ip: '198.51.100.1' });
    expect(outside.status).toBe(403);
    expect(outside.json.error.code).toBe('ip_not_allowed');
  });

  it('bad input is a 400 naming the field, never a 500, and changes nothing', async () => {
    const unknown = await api('createCustomer', { body: { reference: 'bad-1', name: 'X', nickname: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param: 'nickname' });
    const wrongType = await api('createCharge', { body: { agreement_id: randomUUID(), amount: 1250, currency: 'PHP', description: 'x' } });
    expect(wrongType.json.error).toMatchObject({ code: 'parameter_invalid', param: 'amount' });
    const decimals = await api('createCharge', { body: { agreement_id: randomUUID(), amount: '12.50', currency: 'PHP', description: 'x' } });
    expect(decimals.status).toBe(400);
    expect(decimals.json.error.param).toBe('amount');
    const missing = await api('createCharge', { body: { amount: '1250', currency: 'PHP', description: 'x' } });
    expect(missing.json.error).toMatchObject({ code: 'parameter_missing', param: 'agreement_id' });
    const email = await api('createCustomer', { body: { reference: 'bad-2', name: 'X', email: 'not-an-email' } });
    expect(email.json.error).toMatchObject({ code: 'parameter_invalid', param: 'email' });
    const lang = await api('createCustomer', { body: { reference: 'bad-3', name: 'X', preferred_language: 'xx' } });
    expect(lang.json.error.param).toBe('preferred_language');
    expect((await api('createCustomer', { rawBody: '{"reference":' })).json.error.code).toBe('body_invalid');
    expect((await api('createCustomer', { rawBody: '[1]' })).json.error.code).toBe('body_invalid');
    expect((await api('createCustomer', { rawBody: 'reference=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    const longKey = await api('createCustomer', { body: { reference: 'bad-4', name: 'X' }, headers: { 'idempotency-key': 'k'.repeat(256) } });
    expect(longKey.json.error).toMatchObject({ code: 'idempotency_key_invalid', param: 'Idempotency-Key' });
    expect((await api('getCustomer', { params: { id: 'not-a-uuid' } })).status).toBe(404);
    expect((await api('getCustomer', { params: { id: randomUUID() } })).json.error).toMatchObject({ code: 'resource_missing' });
    expect((await api('listCustomers', { query: 'limit=0' })).json.error.param).toBe('limit');
    expect((await api('listCustomers', { query: 'limit=abc' })).json.error.param).toBe('limit');
    expect((await api('listCustomers', { query: 'colour=red' })).json.error).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    const rows = await world.database.db.select().from(customers).where(sql`${customers.reference} like 'bad-%'`);
    expect(rows).toHaveLength(0);
  });

  it('Idempotency-Key: the same key and body replay the stored answer byte for byte; another body is 409; a running request is 409 with Retry-After', async () => {
    const key = `cust-${randomUUID()}`;
    const body = { reference: `idem-${key.slice(-8)}`, name: 'Juan dela Cruz', country: 'PH' };
    const first = await api('createCustomer', { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const again = await api('createCustomer', { body, headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await api('createCustomer', { body: { ...body, name: 'Someone Else' }, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(409);
    expect(other.json.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
    // A request still running (claimed, no answer yet).
    await world.database.db.insert(apiIdempotencyKeys).values({ apiKeyId: writeKey.id, idempotencyKey: 'running-1', requestHash: requestFingerprint('POST', '/api/v1/customers', JSON.stringify(body)), lockedAt: new Date() });
    // It waits briefly for that request's answer (so concurrent replays all answer the stored response), then 409.
    const startedAt = Date.now();
    const running = await api('createCustomer', { body, headers: { 'idempotency-key': 'running-1' }, context: { ...ctx, idempotencyWaitMs: 300 } });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(200);
    expect(running.status).toBe(409);
    expect(running.json.error.code).toBe('idempotency_key_in_use');
    expect(Number(running.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Keys are kept 24 h: the prune job removes older ones.
    expect(await pruneIdempotencyKeys(world.database.db, new Date(Date.now() + 25 * 3600_000))).toBeGreaterThanOrEqual(2);
    const [left] = await world.database.db.select().from(apiIdempotencyKeys).where(and(eq(apiIdempotencyKeys.apiKeyId, writeKey.id), eq(apiIdempotencyKeys.idempotencyKey, key)));
    expect(left).toBeUndefined();
  });

  it('cursor pagination: starting_after / ending_before / limit, newest first', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await api('createCustomer', { body: { reference: `page-${i}-${randomUUID().slice(0, 6)}`, name: `Page ${i}` } })).json.id);
    const first = await api('listCustomers', { query: 'limit=2' });
    expect(first.json.data.map((c: { id: string }) => c.id)).toEqual([made[4], made[3]]);
    expect(first.json.has_more).toBe(true);
    const second = await api('listCustomers', { query: `limit=2&starting_after=${made[3]}` });
    expect(second.json.data.map((c: { id: string }) => c.id)).toEqual([made[2], made[1]]);
    const back = await api('listCustomers', { query: `limit=2&ending_before=${made[2]}` });
    expect(back.json.data.map((c: { id: string }) => c.id)).toEqual([made[4], made[3]]);
    expect((await api('listCustomers', { query: `starting_after=${made[1]}&ending_before=${made[3]}` })).status).toBe(400);
    expect((await api('listCustomers', { query: `starting_after=${randomUUID()}` })).json.data).toEqual([]);
  });

  it('an authorization link with a plan: checked, stored and echoed; a bad plan is a 400 naming the field', async () => {
    const customer = await api('createCustomer', { body: { reference: `plan-${randomUUID().slice(0, 8)}`, name: 'Juan Cruz', country: 'PH' } });
    const start = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const plan = { amount: '49900', currency: 'PHP', description: 'Monthly box', interval: 'month', anchor_day: 1, start_date: start, count: 12 };
    const link = await api('createAuthorizationLink', { body: { customer_id: customer.json.id, plan } });
    expect(link.status).toBe(201);
    expect(link.json.plan).toEqual({ ...plan, interval_count: 1, time_zone: 'Asia/Shanghai' });
    expect((await api('getAuthorizationLink', { params: { id: link.json.id } })).json.plan).toEqual(link.json.plan);
    expect((await api('createAuthorizationLink', { body: { customer_id: customer.json.id } })).json.plan).toBeNull();
    const bad = await api('createAuthorizationLink', { body: { customer_id: customer.json.id, plan: { ...plan, start_date: '2020-01-01' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'parameter_invalid', param: 'plan.start_date' });
    const decimals = await api('createAuthorizationLink', { body: { customer_id: customer.json.id, plan: { ...plan, amount: '499.00' } } });
    expect(decimals.status).toBe(400);
  });

  it('end to end against the simulator: link URL, charge (10 concurrent replays = one debit, identical answers), partial refund, events, revoke', async () => {
    const customer = await api('createCustomer', { body: { reference: `e2e-${randomUUID().slice(0, 8)}`, name: 'Maria Santos', country: 'PH' } });
    const link = await api('createAuthorizationLink', { body: { customer_id: customer.json.id } });
    expect(link.status).toBe(201);
    expect(link.json.url).toMatch(/^http:\/\/localhost:3300\/authorize\/[A-Za-z0-9_-]{32}$/);
    expect((await api('getAuthorizationLink', { params: { id: link.json.id } })).json.url).toBe(link.json.url);
    expect((await api('createAuthorizationLink', { body: { customer_id: randomUUID() } })).json.error).toMatchObject({ code: 'resource_missing', param: 'customer_id' });

    const agreementId = await world.activeAgreement('GCASH');
    const agreement = await api('getAgreement', { params: { id: agreementId } });
    expect(agreement.json).toMatchObject({ object: 'agreement', status: 'ACTIVE', payment_method: 'GCASH' });
    expect((await api('listAgreements', { query: `customer_id=${world.customerId}` })).json.data.some((a: { id: string }) => a.id === agreementId)).toBe(true);

    const body = { agreement_id: agreementId, amount: '25000', currency: 'PHP', description: 'Order 1001', reference: `order-${randomUUID().slice(0, 8)}` };
    const idem = `charge-${randomUUID()}`;
    const payBefore = world.payCalls();
    const answers = await Promise.all(Array.from({ length: 10 }, () => api('createCharge', { body, headers: { 'idempotency-key': idem } })));
    const done = answers.filter((a) => a.status === 201);
    // Concurrent replays wait for the one running request and answer its stored result: ten identical answers.
    expect(done).toHaveLength(10);
    expect(new Set(done.map((a) => a.text)).size).toBe(1);
    const charged = await api('createCharge', { body, headers: { 'idempotency-key': idem } });
    expect(charged.status).toBe(201);
    expect(charged.text).toBe(done[0]!.text);
    expect(world.payCalls() - payBefore).toBe(1);
    expect(charged.json).toMatchObject({ object: 'charge', status: 'succeeded', amount: '25000', currency: 'PHP', reference: body.reference });
    const attempt = charged.json.attempts[0];
    expect(attempt).toMatchObject({ status: 'SUCCEEDED', attempt_number: 1, amount: '25000' });
    expect((await world.ledgerFor(attempt.payment_request_id)).filter((e) => e.kind === 'DEBIT')).toHaveLength(1);
    expect(new Date(charged.json.created_at).toISOString()).toBe(charged.json.created_at);
    // The create answer is built from what the charge wrote, not read back: it is exactly what a read gives.
    const read = await api('getCharge', { params: { id: charged.json.id } });
    expect(read.text).toBe(charged.text);
    expect(read.json.attempts).toHaveLength(1);
    expect((await api('listCharges', { query: `agreement_id=${agreementId}` })).json.data[0].id).toBe(charged.json.id);
    // The same order reference without the key is the same charge, nothing sent.
    const sameRef = await api('createCharge', { body });
    expect(sameRef.json.id).toBe(charged.json.id);
    expect(world.payCalls() - payBefore).toBe(1);

    const refundIdem = `refund-${randomUUID()}`;
    const refundBody = { charge_id: charged.json.id, amount: '10000', reason: 'Item out of stock' };
    const refunds = await Promise.all(Array.from({ length: 10 }, () => api('createRefund', { body: refundBody, headers: { 'idempotency-key': refundIdem } })));
    const refunded = refunds.filter((r) => r.status === 201);
    expect(refunded).toHaveLength(10);
    expect(new Set(refunded.map((r) => r.text)).size).toBe(1);
    expect(refunded[0]!.json).toMatchObject({ object: 'refund', status: 'SUCCEEDED', amount: '10000', currency: 'PHP', charge_id: charged.json.id });
    expect((await world.ledgerFor(attempt.payment_request_id)).filter((e) => e.kind === 'REFUND')).toHaveLength(1);
    expect((await api('getRefund', { params: { id: refunded[0]!.json.id } })).json.status).toBe('SUCCEEDED');
    expect((await api('listRefunds', { query: `charge_id=${charged.json.id}` })).json.data).toHaveLength(1);
    // Over-refund is refused by the product's guarded refund, naming the amount.
    const over = await api('createRefund', { body: { ...refundBody, amount: '20000' } });
    expect(over.status).toBe(400);
    expect(over.json.error).toMatchObject({ code: 'exceeds_refundable', param: 'amount' });
    expect((await api('getCharge', { params: { id: charged.json.id } })).json.attempts[0].amount_refunded).toBe('10000');

    const events = await api('listEvents', { query: 'limit=100' });
    expect(events.json.data.some((e: { object_id: string }) => e.object_id === attempt.id)).toBe(true);
    expect(events.json.data.some((e: { type: string }) => e.type.startsWith('agreement.'))).toBe(true);
    const older = await api('listEvents', { query: `limit=2&starting_after=${events.json.data[0].id}` });
    expect(older.json.data[0].id).toBe(events.json.data[1].id);

    const revoked = await api('revokeAgreement', { params: { id: agreementId }, body: {} });
    expect(revoked.status).toBe(200);
    expect(revoked.json.status).toBe('REVOKED');
    const afterRevoke = await api('createCharge', { body: { ...body, reference: `order-${randomUUID().slice(0, 8)}` } });
    expect(afterRevoke.status).toBe(409);
    expect(afterRevoke.json.error).toMatchObject({ code: 'agreement_not_active', param: 'agreement_id' });
  }, 120_000);

  it('schedules over the API: bad input is a clear 4xx naming the field and creates nothing; pause / resume / cancel follow the states', async () => {
    const db = world.database.db;
    const agreementId = await world.activeAgreement('GCASH');
    const start = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const good = { agreement_id: agreementId, amount: '49900', description: 'Monthly box', interval: 'month', start_date: start };
    const refused = async (body: Record<string, unknown>, status: number, param: string | null, code?: string) => {
      const answer = await api('createSchedule', { body });
      expect(answer.status, answer.text).toBe(status);
      expect(answer.json.error.param).toBe(param);
      if (code) expect(answer.json.error.code).toBe(code);
    };
    await refused({ ...good, amount: '49.90' }, 400, 'amount');
    await refused({ ...good, amount: '1' }, 400, 'amount', 'amount_invalid');
    await refused({ ...good, currency: 'KRW' }, 400, 'currency', 'currency_mismatch');
    await refused({ ...good, interval: 'fortnight' }, 400, 'interval');
    await refused({ ...good, anchor_day: 32 }, 400, 'anchor_day');
    await refused({ ...good, start_date: '2020-01-01' }, 400, 'start_date', 'calendar_invalid');
    await refused({ ...good, start_date: '2030-02-30' }, 400, 'start_date', 'calendar_invalid');
    await refused({ ...good, end_date: '2029-01-01', start_date: '2030-01-01' }, 400, 'end_date', 'calendar_invalid');
    await refused({ ...good, time_zone: 'Mars/Olympus' }, 400, 'time_zone', 'calendar_invalid');
    await refused({ ...good, agreement_id: randomUUID() }, 404, 'agreement_id', 'resource_missing');
    await refused({ ...good, colour: 'red' }, 400, 'colour', 'parameter_unknown');
    expect(await db.select().from(billingSchedules).where(eq(billingSchedules.agreementId, agreementId))).toHaveLength(0);

    const made = await api('createSchedule', { body: good });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ status: 'ACTIVE', amount: '49900', currency: 'PHP', interval_count: 1, cancel_at_period_end: false });
    expect((await api('getSchedule', { params: { id: made.json.id } })).json.id).toBe(made.json.id);
    expect((await api('resumeSchedule', { params: { id: made.json.id }, body: {} })).json.error).toMatchObject({ code: 'schedule_state_invalid' });
    expect((await api('pauseSchedule', { params: { id: made.json.id }, body: { reason: 'holiday' } })).json.status).toBe('PAUSED');
    expect((await api('listSchedules', { query: `status=PAUSED&agreement_id=${agreementId}` })).json.data).toHaveLength(1);
    expect((await api('resumeSchedule', { params: { id: made.json.id }, body: {} })).json.status).toBe('ACTIVE');
    expect((await api('cancelSchedule', { params: { id: made.json.id }, body: { at: 'period_end' } })).json).toMatchObject({ status: 'ACTIVE', cancel_at_period_end: true });
    expect((await api('cancelSchedule', { params: { id: made.json.id }, body: {} })).json.status).toBe('CANCELED');
    const pauseCanceled = await api('pauseSchedule', { params: { id: made.json.id }, body: {} });
    expect(pauseCanceled.status).toBe(409);
    expect(pauseCanceled.json.error.message).toMatch(/canceled schedule cannot be paused/);
    expect((await api('pauseSchedule', { params: { id: randomUUID() }, body: {} })).status).toBe(404);
    expect((await api('pauseSchedule', { key: readKey.secret, params: { id: made.json.id }, body: {} })).status).toBe(403);

    // A revoked agreement takes no schedule.
    expect((await api('revokeAgreement', { params: { id: agreementId }, body: {} })).json.status).toBe('REVOKED');
    await refused(good, 409, 'agreement_id', 'agreement_not_active');
  }, 60_000);

  it('payment requests over the API: a confirm URL for the buyer, nothing sent to the wallet yet', async () => {
    const agreementId = await world.activeAgreement('GCASH');
    const before = world.payCalls();
    const made = await api('createPaymentRequest', { body: { agreement_id: agreementId, amount: '15000', currency: 'PHP', description: 'Add-on', reference: `pr-${randomUUID().slice(0, 8)}` } });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ object: 'payment_request', amount: '15000', currency: 'PHP' });
    expect(made.json.url).toMatch(/^http:\/\/localhost:3300\/pay\/[A-Za-z0-9_-]{32}$/);
    expect((await api('getCharge', { params: { id: made.json.charge_id } })).json.attempts[0].status).toBe('REQUIRES_CONFIRMATION');
    const again = await api('createPaymentRequest', { body: { agreement_id: agreementId, amount: '15000', currency: 'PHP', description: 'Add-on', reference: made.json.reference } });
    expect(again.json.error).toMatchObject({ code: 'reference_in_use', param: 'reference' });
    expect((await api('createPaymentRequest', { body: { agreement_id: agreementId, amount: '15000', currency: 'USD', description: 'Add-on' } })).json.error.param).toBe('currency');
    expect(world.payCalls()).toBe(before);
  });

  it('every use is audited by key id and stamps last use; a revoked key is refused on its very next request', async () => {
    const key = await keyFor('read_write');
    expect((await api('listCustomers', { key: key.secret, ip: '192.0.2.44' })).status).toBe(200);
    const [row] = await world.database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row!.lastUsedIp).toBe('192.0.2.44');
    expect(row!.lastUsedAt).not.toBeNull();
    const uses = await world.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'api_key.use'), eq(auditLog.objectId, key.id)));
    expect(uses).toHaveLength(1);
    expect(uses[0]!.after).toMatchObject({ method: 'GET', path: '/api/v1/customers', status: 200 });
    const revoked = await revokeApiKey(world.database.db, world.admin, key.id);
    expect(revoked.ok).toBe(true);
    const refused = await api('listCustomers', { key: key.secret });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('revoked_key');
  });

  it('requests finishing together are recorded together: every use its own audit row, every claimed key its own stored answer', async () => {
    const key = await keyFor('read_write');
    const keys = Array.from({ length: 12 }, (_, i) => `grouped-${i}-${Date.now()}`);
    const first = await Promise.all(
      keys.map((k, i) => api('createCustomer', { key: key.secret, ip: `192.0.2.${10 + i}`, headers: { 'idempotency-key': k }, body: { reference: `grouped-${k}`, name: `Grouped ${i}` } })),
    );
    expect(first.map((r) => r.status)).toEqual(keys.map(() => 201));
    const uses = await world.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'api_key.use'), eq(auditLog.objectId, key.id)));
    expect(uses).toHaveLength(12);
    expect(new Set(uses.map((u) => (u.after as { requestId: string }).requestId)).size).toBe(12);
    // Each stored answer is its own request's: a replay of each key repeats it byte for byte.
    const replays = await Promise.all(keys.map((k, i) => api('createCustomer', { key: key.secret, headers: { 'idempotency-key': k }, body: { reference: `grouped-${k}`, name: `Grouped ${i}` } })));
    replays.forEach((r, i) => {
      expect(r.status).toBe(201);
      expect(r.text).toBe(first[i]!.text);
    });
    const [row] = await world.database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row!.lastUsedAt).not.toBeNull();
  });

  it('a leaked key revoked on one instance is refused within one second on every instance (keys are looked up per request, never cached)', async () => {
    const key = await keyFor('read_write');
    // A second instance: its own connection pool to the same PostgreSQL database (PGlite has one opener: one instance).
    const second = world.database.url ? await openDatabase({ url: world.database.url, maxConnections: 2 }) : null;
    const instances: ApiContext[] = [ctx, ...(second ? [{ ...ctx, db: second.db }] : [])];
    try {
      for (const instance of instances) expect((await api('listCustomers', { key: key.secret, context: instance })).status).toBe(200);
      const revokedAt = Date.now();
      expect((await revokeApiKey(world.database.db, world.admin, key.id)).ok).toBe(true);
      const answers = await Promise.all(instances.map((instance) => api('createCustomer', { key: key.secret, context: instance, body: { reference: `leak-${randomUUID().slice(0, 8)}`, name: 'Leak' } })));
      expect(Date.now() - revokedAt).toBeLessThan(1000);
      for (const answer of answers) expect(answer.json.error).toMatchObject({ type: 'authentication_error', code: 'revoked_key' });
      expect(await world.database.db.select().from(customers).where(sql`${customers.reference} like 'leak-%'`)).toHaveLength(0);
    } finally {
      await second?.close();
    }
  });

  it('rate limit per key: 429 with Retry-After, other keys unaffected', async () => {
    const limited: ApiContext = { ...ctx, rateLimiter: apiRateLimiter(0.5, 3) };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api('listCustomers', { context: limited })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const last = await api('listCustomers', { context: limited });
    expect(last.json.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await api('listCustomers', { context: limited, key: readKey.secret })).status).toBe(200);
  });

  it('POSTs with an Idempotency-Key spend the same budget (the token is taken with the claim): 429 beats 400, and a refused key is left unclaimed', async () => {
    const key = await keyFor('read_write');
    const limited: ApiContext = { ...ctx, rateLimiter: apiRateLimiter(0.001, 2) };
    const post = (idem: string, body: unknown, context = limited) => api('createCustomer', { key: key.secret, context, body, headers: { 'idempotency-key': idem } });
    const ref = `rl-${randomUUID().slice(0, 8)}`;
    expect((await post(`${ref}-a`, { reference: `${ref}-a`, name: 'First' })).status).toBe(201);
    // Bad input still spends its token (the refusal takes it before answering 400).
    const bad = await post(`${ref}-b`, { reference: `${ref}-b`, name: 'Bad', colour: 'red' });
    expect(bad.status).toBe(400);
    // The budget is spent: a new key, a replay and bad input all answer 429 with Retry-After.
    const refused = await post(`${ref}-c`, { reference: `${ref}-c`, name: 'Third' });
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post(`${ref}-a`, { reference: `${ref}-a`, name: 'First' })).status).toBe(429);
    expect((await post(`${ref}-d`, { reference: `${ref}-d`, colour: 'red' })).status).toBe(429);
    const db = world.database.db;
    const rows = await db.select({ key: apiIdempotencyKeys.idempotencyKey }).from(apiIdempotencyKeys).where(eq(apiIdempotencyKeys.apiKeyId, key.id));
    expect(rows.map((r) => r.key)).toEqual([`${ref}-a`]);
    expect(await db.select().from(customers).where(sql`${customers.reference} like ${`${ref}-%`}`)).toHaveLength(1);
    // Once the budget allows, the refused key runs as new (nothing of it was kept).
    const later = await post(`${ref}-c`, { reference: `${ref}-c`, name: 'Third' }, { ...ctx, rateLimiter: apiRateLimiter(10_000, 10_000) });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });

  it('the database down answers 503 with Retry-After, not a 500 or a stack', async () => {
    const down = new Proxy({} as Db, {
      get: () => () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
    });
    const answer = await api('listCustomers', { context: { ...ctx, db: down } });
    expect(answer.status).toBe(503);
    expect(answer.json.error).toMatchObject({ type: 'api_error', code: 'database_unavailable' });
    expect(answer.text).not.toContain('ECONNREFUSED');
    expect(answer.headers.get('retry-after')).toBe('5');
  });
});
