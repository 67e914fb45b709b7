import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_ACK_BODY, signNotification } from '@/lib/alipay';
import type { Database } from '@/lib/db/client';
import { inboxEvents, notificationDeliveries, payments } from '@/lib/db/schema';
import { getNotificationDeps } from '@/lib/notifications/app-deps';
import { fastPathChannel, serveNotificationOverNode } from '@/lib/notifications/serve-notification-node';
import { CLIENT_ID, KEYS, PAYMENT_PATH, paymentResultBody, seedPaymentWorld, useTestApp } from '../helpers/notify-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

// The production server answers payment and refund notifications over node:http directly
// (scripts/serve-next.ts). The same handler as the route handlers, so the same answers — checked here over a
// real socket, with the raw-header cases a Fetch Request cannot express (a Signature header sent twice).

let database: Database;
let server: Server;
let port = 0;

function post(headers: Record<string, string | string[]>, body: string | Buffer, options: { chunked?: boolean } = {}): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/alipay/notify/payment', headers: options.chunked ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (options.chunked) {
      const buffer = Buffer.from(body);
      for (let i = 0; i < buffer.length; i += 8192) req.write(buffer.subarray(i, i + 8192));
      req.end();
    } else req.end(body);
  });
}

function signed(body: object) {
  return signNotification({ path: PAYMENT_PATH, clientId: CLIENT_ID, privateKey: KEYS.v1.privateKey, keyVersion: '1', body });
}

describe(`the notification fast path over node:http (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    useTestApp(database);
    const deps = await getNotificationDeps();
    server = createServer((req, res) => {
      const channel = fastPathChannel(req.method, req.url);
      if (!channel) {
        res.writeHead(404).end();
        return;
      }
      void serveNotificationOverNode(deps, channel, req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await database?.close();
  });

  it('takes only POSTs to the exact payment and refund paths; authorization and anything else stays with Next', () => {
    expect(fastPathChannel('POST', '/api/alipay/notify/payment')).toBe('payment');
    expect(fastPathChannel('POST', '/api/alipay/notify/refund')).toBe('refund');
    expect(fastPathChannel('POST', '/api/alipay/notify/authorization')).toBeNull();
    expect(fastPathChannel('GET', '/api/alipay/notify/payment')).toBeNull();
    expect(fastPathChannel('POST', '/api/alipay/notify/payment/')).toBeNull();
    expect(fastPathChannel('POST', '/api/alipay/notify/payment?x=1')).toBeNull();
    expect(fastPathChannel('POST', undefined)).toBeNull();
  });

  it('a signed PAYMENT_RESULT is applied once and acknowledged byte for byte, its resend too', async () => {
    const world = await seedPaymentWorld(database.db);
    const notification = signed(paymentResultBody(world.payment.paymentRequestId));
    const first = await post(notification.headers, notification.rawBody);
    expect(first).toMatchObject({ status: 200, text: NOTIFICATION_ACK_BODY });
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['cache-control']).toBe('no-store');
    const again = await post(notification.headers, notification.rawBody);
    expect(again).toMatchObject({ status: 200, text: NOTIFICATION_ACK_BODY });
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment!.status).toBe('SUCCEEDED');
    const deliveries = await database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.objectRef, world.payment.paymentRequestId));
    expect(deliveries.map((d) => d.dedupeVerdict).sort()).toEqual(['duplicate', 'new']);
    expect(deliveries.every((d) => d.requestPath === '/api/alipay/notify/payment')).toBe(true);
  });

  it('a Signature header sent twice is refused (401), nothing stored as business data', async () => {
    const world = await seedPaymentWorld(database.db);
    const notification = signed(paymentResultBody(world.payment.paymentRequestId));
    const answer = await post({ ...notification.headers, signature: [notification.headers.signature!, notification.headers.signature!] }, notification.rawBody);
    expect(answer.status).toBe(401);
    expect(answer.text).not.toBe(NOTIFICATION_ACK_BODY);
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment!.status).toBe(world.payment.status);
    expect(await database.db.select().from(inboxEvents).where(eq(inboxEvents.objectRef, world.payment.paymentRequestId))).toEqual([]);
  });

  it('a flipped body byte is refused (401)', async () => {
    const world = await seedPaymentWorld(database.db);
    const notification = signed(paymentResultBody(world.payment.paymentRequestId));
    const answer = await post(notification.headers, notification.rawBody.replace('"S"', '"F"'));
    expect(answer.status).toBe(401);
  });

  it('a body over 64 KB is refused with 413, with or without Content-Length, and the connection still answers', async () => {
    const notification = signed({ ...paymentResultBody('P'), pad: 'x'.repeat(70 * 1024) });
    expect((await post(notification.headers, notification.rawBody)).status).toBe(413);
    expect((await post(notification.headers, notification.rawBody, { chunked: true })).status).toBe(413);
  });

  it('a body that is not UTF-8 is refused with 400', async () => {
    const notification = signed(paymentResultBody('P'));
    expect((await post(notification.headers, Buffer.from([0xff, 0xfe, 0x00, 0x7b]))).status).toBe(400);
  });
});
