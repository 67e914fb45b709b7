// Issue 24: /api/metrics scraped while a charge and a notification happen shows the counters moving; a run's
// logs carry one correlation id per charge (staff action → AMS call → resolver job → notification) and none
// of the secrets or tokens the run used.
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as scrape } from '@/app/api/metrics/route';
import { POST as postPayment } from '@/app/api/alipay/notify/payment/route';
import { AlipayError } from '@/lib/alipay';
import { agreementTokenAad } from '@/lib/crypto/token-vault';
import { agreements } from '@/lib/db/schema';
import type { JobDefinition } from '@/lib/jobs/define-job';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { createLogger, setProcessLogger } from '@/lib/log';
import { withLogContext } from '@/lib/log/context';
import { charge } from '@/lib/payments/charge';
import { resolvePaymentJob } from '@/lib/payments/resolve-payment.job';
import { PAYMENT_PATH, signedRequest, useTestApp } from '../helpers/notify-fixtures';
import { startPaymentWorld, waitForFinal, type PaymentWorld } from '../helpers/payment-world';
import { testDatabaseKind } from '../helpers/test-database';

const METRICS_TOKEN = 'metrics-token-for-the-observability-test';
const ADMIN_PASSWORD = 'admin-password-123'; // payment-world's first admin
const lines: string[] = [];
let world: PaymentWorld;
let queue: JobQueue;
const secrets = new Map<string, string>();

const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});

function entries(): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function metricsText(token = METRICS_TOKEN): Promise<{ status: number; text: string }> {
  const response = await scrape(new Request('http://127.0.0.1/api/metrics', { headers: token ? { authorization: `Bearer ${token}` } : {} }));
  return { status: response.status, text: await response.text() };
}

/** The value of one sample (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe(`observability: metrics and logs (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    setProcessLogger(createLogger({ name: 'test', level: 'debug', destination: capture }));
    world = await startPaymentWorld();
    queue = await startJobQueue(world.database, {
      work: true,
      jobs: [resolvePaymentJob] as unknown as JobDefinition<never>[],
      context: { db: world.database.db, alipay: world.alipay, vault: world.vault, now: () => new Date() },
      pollingIntervalSeconds: 0.5,
    });
    useTestApp(world.database, queue);
    Object.assign(process.env, { METRICS_TOKEN });
    secrets.set('METRICS_TOKEN', METRICS_TOKEN);
    secrets.set('AUTH_SECRET', process.env.AUTH_SECRET!);
    secrets.set('admin password', ADMIN_PASSWORD);
    secrets.set('vault encryption key', world.vaultKeys.encryption);
    secrets.set('vault index key', world.vaultKeys.index);
    secrets.set('TOKEN_ENCRYPTION_KEY', process.env.TOKEN_ENCRYPTION_KEY!);
    secrets.set('simulator secret', 'test-simulator-secret');
    secrets.set('merchant private key', world.sim.keys.merchantPrivateKeyPem.split('\n')[1]!);
  }, 60_000);
  afterAll(async () => {
    setProcessLogger(undefined);
    await queue?.stop(2000);
    await world?.close();
  });

  it('the endpoint is 401 without the bearer token and 200 with it', async () => {
    expect((await metricsText('')).status).toBe(401);
    expect((await metricsText('wrong-token-wrong-token-wrong')).status).toBe(401);
    const ok = await metricsText();
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('daikou_http_requests_total');
    expect(ok.text).toContain('daikou_process_resident_memory_bytes');
  });

  it('a charge and a notification move the counters; each charge has one correlation id; no secret is logged', async () => {
    const before = (await metricsText()).text;
    const agreementId = await world.activeAgreement('GCASH');
    const [agreement] = await world.database.db.select().from(agreements).where(eq(agreements.id, agreementId));
    const version = agreement!.tokenKeyVersion ?? 1;
    secrets.set('access token', world.vault.open(agreement!.accessTokenCiphertext!, agreementTokenAad(agreementId, 'access_token', version)));
    secrets.set('refresh token', world.vault.open(agreement!.refreshTokenCiphertext!, agreementTokenAad(agreementId, 'refresh_token', version)));

    // A staff charge answered S, made inside a request's log context as serve-next.ts makes one.
    const paid = await withLogContext({ correlationId: 'request-id-of-the-staff-action' }, () =>
      charge(world.deps({ enqueue: (...a) => queue.enqueue(...a) }), { agreementId, amountMinor: 12_345n, description: 'Observed', initiator: { kind: 'staff', actor: world.admin } }),
    );
    if (!paid.ok) throw new Error(paid.error);
    expect(paid.data.payment.status).toBe('SUCCEEDED');

    // A second one whose pay got no answer (connection reset): UNKNOWN; Antom's notification then settles it.
    const lost = await withLogContext({ correlationId: 'request-id-of-the-second-action' }, () =>
      charge(
        world.deps({
          enqueue: (...a) => queue.enqueue(...a),
          alipay: { ...world.alipay, pay: () => Promise.reject(new AlipayError('NETWORK_ERROR', 'connection reset', undefined, 'network')) },
        }),
        { agreementId, amountMinor: 23_456n, description: 'Observed, lost answer', initiator: { kind: 'staff', actor: world.admin } },
      ),
    );
    if (!lost.ok) throw new Error(lost.error);
    const lostPayment = lost.data.payment;
    expect(lostPayment.status).toBe('UNKNOWN');
    const mid = (await metricsText()).text;
    expect(sample(mid, 'daikou_open_payment_attempts', { age: 'under_1m' })).toBeGreaterThanOrEqual(1);

    const body = {
      notifyType: 'PAYMENT_RESULT',
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      paymentRequestId: lostPayment.paymentRequestId,
      paymentId: '20261205000000000000001',
      paymentAmount: { currency: 'PHP', value: '23456' },
      paymentCreateTime: '2026-12-05T12:00:00+08:00',
      paymentTime: '2026-12-05T12:00:01+08:00',
    };
    const request = signedRequest({ path: PAYMENT_PATH, body });
    secrets.set('notification signature', /signature=([^,]+)/.exec(request.headers.get('signature') ?? '')![1]!);
    const answer = await postPayment(request);
    expect(answer.status).toBe(200);
    expect((await waitForFinal(world, lostPayment.id)).status).toBe('SUCCEEDED');
    // The resolver job queued by the lost charge runs too (and finds the payment final).
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const after = (await metricsText()).text;
    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('daikou_ams_calls_total', { endpoint: 'pay', result: 'S', code: 'SUCCESS' })).toBe(1);
    expect(moved('daikou_ams_call_duration_seconds_count', { endpoint: 'pay' })).toBe(1);
    expect(moved('daikou_ams_calls_total', { endpoint: 'applyToken', result: 'S' })).toBeGreaterThanOrEqual(1);
    expect(moved('daikou_notifications_received_total', { channel: 'payment', status: '200' })).toBe(1);
    expect(moved('daikou_notification_lag_seconds_count', { channel: 'payment' })).toBe(1);
    expect(moved('daikou_jobs_total', { queue: 'payment-resolve', result: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'daikou_queue_jobs', { queue: 'payment-resolve', state: 'failed' })).toBe(0);
    expect(after).toMatch(/daikou_reconciliation_open_items 0/);

    // Logs: every line about a charge carries that charge's correlation id (its paymentRequestId), from the
    // staff action through the AMS call, the resolver job and the notification.
    const all = entries();
    const paidLines = all.filter((e) => e.subject === `payment:${paid.data.payment.id}`);
    expect(paidLines.map((e) => e.msg)).toContain('ams call');
    expect(new Set(paidLines.map((e) => e.correlationId))).toEqual(new Set([paid.data.payment.paymentRequestId]));
    const lostLines = all.filter((e) => e.correlationId === lostPayment.paymentRequestId);
    expect(lostLines.map((e) => e.msg)).toEqual(expect.arrayContaining(['notification', 'job']));
    expect(lostLines.find((e) => e.msg === 'notification')).toMatchObject({ channel: 'payment', status: 200 });
    expect(lostLines.find((e) => e.msg === 'job')).toMatchObject({ queue: 'payment-resolve', requestId: expect.any(String) });

    // No secret or token the run used appears in any line.
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const [name, value] of secrets) {
      expect(value.length, name).toBeGreaterThan(8);
      expect(text.includes(value), `${name} appears in the logs`).toBe(false);
    }
  }, 60_000);
});
