import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAuthorizationReturn } from '@/lib/agreements/complete-authorization-return';
import { startAuthorization } from '@/lib/agreements/start-authorization';
import { createApiKey } from '@/lib/api/api-keys';
import { apiRateLimiter, type ApiContext } from '@/lib/api/context';
import { billingSchedules, chargeIntents, customers } from '@/lib/db/schema';
import type { RefundDeps } from '@/lib/refunds/refund-deps';
import { merchantApi } from '../../examples/merchant-api/client';
import { generateApiClientFiles } from '../../examples/merchant-api/generate';
import { startApiServer } from '../helpers/api-server';
import { startPaymentWorld, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

/**
 * Issue 23's acceptance: a client written only from the OpenAPI document (examples/merchant-api: types generated
 * by openapi-typescript, requests by openapi-fetch) drives the API over real HTTP. Every POST is sent 10 times at
 * once with one Idempotency-Key: one effect (the simulator's ledger for money, the database for the rest) and ten
 * byte-identical answers.
 */
let world: PaymentWorld;
let server: { baseUrl: string; close: () => Promise<void> };
let api: ReturnType<typeof merchantApi>;

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'merchant-api');

interface Answer {
  status: number;
  text: string;
}

/** Ten identical requests at once; all must answer the same status and the very same bytes. */
async function tenTimes(what: string, send: (headers: { 'Idempotency-Key': string }) => Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const headers = { 'Idempotency-Key': `${what}-${randomUUID()}` };
  const answers: Answer[] = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const { data, error, response } = await send(headers);
      return { status: response.status, text: typeof data === 'string' ? data : JSON.stringify(error) };
    }),
  );
  expect(new Set(answers.map((a) => a.status)), JSON.stringify(answers.map((a) => a.text))).toEqual(new Set([answers[0]!.status]));
  expect(new Set(answers.map((a) => a.text)).size).toBe(1);
  return { status: answers[0]!.status, text: answers[0]!.text, json: JSON.parse(answers[0]!.text) as Record<string, unknown> };
}

describe(`merchant API acceptance through the generated client (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    world = await startPaymentWorld();
    const db = world.database.db;
    const refund: RefundDeps = { db, alipay: world.alipay, enqueue: async () => {} };
    const ctx: ApiContext = {
      db,
      payment: world.deps(),
      refund,
      agreement: { db, alipay: world.sim.alipay, vault: world.vault, returnUrl: 'http://localhost:3300/authorize/return' },
      mode: 'test',
      appUrl: 'http://localhost:3300',
      rateLimiter: apiRateLimiter(10_000, 10_000),
      trustedProxyHops: 0,
    };
    const key = await createApiKey(db, world.admin, { name: 'acceptance', scope: 'read_write', allowedIps: [] }, 'test');
    if (!key.ok) throw new Error(key.error);
    server = await startApiServer(ctx);
    api = merchantApi(server.baseUrl, key.data.secret);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await world?.close();
  });

  it('the example client is generated from the current OpenAPI document (npm run api:client)', async () => {
    const fresh = await generateApiClientFiles();
    for (const [name, text] of Object.entries(fresh)) expect(readFileSync(path.join(EXAMPLE, name), 'utf8'), `examples/merchant-api/${name} is stale: run npm run api:client`).toBe(text);
  });

  it('customer → link → buyer agrees → charge → partial refund → schedule, every POST ten times at once', async () => {
    const db = world.database.db;
    const reference = `acc-${randomBytes(4).toString('hex')}`;
    const customer = await tenTimes('customer', (headers) => api.POST('/v1/customers', { body: { reference, name: 'Maria Santos', country: 'PH' }, headers, parseAs: 'text' }));
    expect(customer.status).toBe(201);
    expect(await db.select().from(customers).where(eq(customers.reference, reference))).toHaveLength(1);

    const link = await tenTimes('link', (headers) => api.POST('/v1/authorization_links', { body: { customer_id: customer.json.id as string }, headers, parseAs: 'text' }));
    expect(link.status).toBe(201);
    const token = new URL(link.json.url as string).pathname.split('/').pop()!;

    // The buyer opens the link, picks GCash and approves in the wallet (the simulator's control API).
    const agreementDeps = { db, alipay: world.sim.alipay, vault: world.vault, returnUrl: 'http://localhost:3300/authorize/return' };
    const buyer = randomBytes(16).toString('hex');
    const started = await startAuthorization(agreementDeps, { linkToken: token, paymentMethod: 'GCASH', buyerBinding: buyer, terminal: { terminalType: 'WEB' } });
    if (!started.ok) throw new Error(started.error);
    const decision = await world.sim.control<{ authCode: string; authState: string }>('/simulator/authorizations/approve', { url: started.data.redirectUrl });
    expect((await completeAuthorizationReturn(agreementDeps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: buyer })).ok).toBe(true);

    const listed = await api.GET('/v1/agreements', { params: { query: { customer_id: customer.json.id as string } } });
    expect(listed.data?.data).toHaveLength(1);
    const agreement = listed.data!.data[0]!;
    expect(agreement).toMatchObject({ status: 'ACTIVE', payment_method: 'GCASH' });

    const payBefore = world.payCalls();
    const charge = await tenTimes('charge', (headers) => api.POST('/v1/charges', { body: { agreement_id: agreement.id, amount: '50000', currency: 'PHP', description: 'Order 2001' }, headers, parseAs: 'text' }));
    expect(charge.status).toBe(201);
    expect(charge.json).toMatchObject({ object: 'charge', status: 'succeeded', amount: '50000' });
    const attempt = (charge.json.attempts as { payment_request_id: string }[])[0]!;
    expect(world.payCalls() - payBefore).toBe(1);
    expect((await world.ledgerFor(attempt.payment_request_id)).filter((e) => e.kind === 'DEBIT')).toHaveLength(1);

    const refund = await tenTimes('refund', (headers) => api.POST('/v1/refunds', { body: { charge_id: charge.json.id as string, amount: '12500', reason: 'One item missing' }, headers, parseAs: 'text' }));
    expect(refund.status).toBe(201);
    expect(refund.json).toMatchObject({ object: 'refund', status: 'SUCCEEDED', amount: '12500' });
    const refunds = (await world.ledgerFor(attempt.payment_request_id)).filter((e) => e.kind === 'REFUND');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amountMinor).toBe('12500');
    expect((await api.GET('/v1/charges/{id}', { params: { path: { id: charge.json.id as string } } })).data?.attempts[0]?.amount_refunded).toBe('12500');

    const startDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const schedule = await tenTimes('schedule', (headers) =>
      api.POST('/v1/schedules', { body: { agreement_id: agreement.id, amount: '49900', description: 'Monthly box', interval: 'month', anchor_day: 31, start_date: startDate }, headers, parseAs: 'text' }),
    );
    expect(schedule.status).toBe(201);
    expect(schedule.json).toMatchObject({ object: 'schedule', status: 'ACTIVE', amount: '49900', currency: 'PHP', interval: 'month', anchor_day: 31 });
    expect(await db.select().from(billingSchedules).where(eq(billingSchedules.agreementId, agreement.id))).toHaveLength(1);
    const id = schedule.json.id as string;
    const paused = await tenTimes('pause', (headers) => api.POST('/v1/schedules/{id}/pause', { params: { path: { id } }, body: { reason: 'customer on holiday' }, headers, parseAs: 'text' }));
    expect(paused.json.status).toBe('PAUSED');
    const resumed = await tenTimes('resume', (headers) => api.POST('/v1/schedules/{id}/resume', { params: { path: { id } }, body: {}, headers, parseAs: 'text' }));
    expect(resumed.json.status).toBe('ACTIVE');
    const canceled = await tenTimes('cancel', (headers) => api.POST('/v1/schedules/{id}/cancel', { params: { path: { id } }, body: { at: 'now' }, headers, parseAs: 'text' }));
    expect(canceled.json.status).toBe('CANCELED');
    // A refusal is stored and replayed like a success: pausing a canceled schedule is a 409, ten times the same.
    const refused = await tenTimes('pause-canceled', (headers) => api.POST('/v1/schedules/{id}/pause', { params: { path: { id } }, body: {}, headers, parseAs: 'text' }));
    expect(refused.status).toBe(409);
    expect((await api.GET('/v1/schedules', { params: { query: { agreement_id: agreement.id } } })).data?.data.map((s) => s.status)).toEqual(['CANCELED']);

    const request = await tenTimes('payment-request', (headers) => api.POST('/v1/payment_requests', { body: { agreement_id: agreement.id, amount: '15000', currency: 'PHP', description: 'Add-on' }, headers, parseAs: 'text' }));
    expect(request.status).toBe(201);
    expect(request.json.url).toMatch(/^http:\/\/localhost:3300\/pay\/[A-Za-z0-9_-]+$/);
    expect(await db.select().from(chargeIntents).where(eq(chargeIntents.businessKey, request.json.reference as string))).toHaveLength(1);
    // Nothing more reached the wallet than the one charge.
    expect(world.payCalls() - payBefore).toBe(1);

    // Catching up: the events name the business steps (what webhooks send too).
    const events = await api.GET('/v1/events', { params: { query: { limit: 100 } } });
    const types = new Set(events.data?.data.map((e) => e.type));
    for (const type of ['agreement.activated', 'charge.succeeded', 'refund.succeeded', 'schedule.paused', 'schedule.canceled']) expect(types, type).toContain(type);
    const succeeded = events.data!.data.find((e) => e.type === 'charge.succeeded')!;
    expect(succeeded).toMatchObject({ object_type: 'charge_attempt', step: 'charge_attempt.status_changed', data: { to: 'SUCCEEDED' } });
  }, 180_000);
});
