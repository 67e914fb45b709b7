import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as alipay from '@/lib/alipay';
import { NOTIFICATION_ACK_BODY, signNotification } from '@/lib/alipay';
import { POST as postAuthorization } from '@/app/api/alipay/notify/authorization/route';
import { POST as postPayment } from '@/app/api/alipay/notify/payment/route';
import { POST as postRefund } from '@/app/api/alipay/notify/refund/route';
import { TokenVault } from '@/lib/crypto/token-vault';
import { openDatabase, type Database } from '@/lib/db/client';
import { agreements, auditLog, inboxEvents, notificationDeliveries, paymentEvents, payments, refunds } from '@/lib/db/schema';
import { getNotificationDeps } from '@/lib/notifications/app-deps';
import { receiveNotification } from '@/lib/notifications/receive-notification';
import {
  AUTH_PATH,
  CLIENT_ID,
  KEYS,
  PAYMENT_PATH,
  REFUND_PATH,
  TOKEN_KEYS,
  paymentResultBody,
  refundResultBody,
  seedPaymentWorld,
  signedRequest,
  useTestApp,
} from '../helpers/notify-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

// Counts every parse of a notification body: the proof that unverified bytes never reach a parser.
vi.mock('@/lib/alipay', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/alipay')>();
  return { ...original, parseNotification: vi.fn(original.parseNotification) };
});

let database: Database;
const vault = TokenVault.fromBase64(TOKEN_KEYS.encryption, TOKEN_KEYS.index);

async function countRows(table: typeof inboxEvents | typeof notificationDeliveries | typeof auditLog) {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(table);
  return row!.n;
}

describe(`Antom notify routes (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    useTestApp(database);
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(() => {
    vi.mocked(alipay.parseNotification).mockClear();
  });

  it('a signed PAYMENT_RESULT finishes the payment and is answered with the fixed acknowledgement, byte for byte', async () => {
    const world = await seedPaymentWorld(database.db);
    const response = await postPayment(signedRequest({ body: paymentResultBody(world.payment.paymentRequestId) }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(NOTIFICATION_ACK_BODY);
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment!.status).toBe('SUCCEEDED');
    const [delivery] = await database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.objectRef, world.payment.paymentRequestId));
    expect(delivery).toMatchObject({ signatureVerdict: 'valid', dedupeVerdict: 'new', outcome: 'applied', httpStatus: 200, keyVersion: '1' });
    // The inbox row is written once, with its outcome; the delivery points at it.
    const [inbox] = await database.db.select().from(inboxEvents).where(eq(inboxEvents.objectRef, world.payment.paymentRequestId));
    expect(inbox).toMatchObject({ id: delivery!.inboxEventId, dedupeKey: `PAYMENT_RESULT:${world.payment.paymentRequestId}:S`, objectType: 'payment', outcome: 'applied', outcomeDetail: 'Payment is SUCCEEDED.', workStatus: null });
    expect(inbox!.processedAt).toEqual(inbox!.receivedAt);
    const events = await database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, world.payment.id));
    expect(events.map((e) => e.type).sort()).toEqual(['notification', 'status_changed']);
    expect(await database.db.select().from(auditLog).where(and(eq(auditLog.objectType, 'payment'), eq(auditLog.objectId, world.payment.id)))).toMatchObject([{ action: 'payment.succeeded', actorId: null }]);
  });

  it('a signed failure (F) fails the payment with its code and message', async () => {
    const world = await seedPaymentWorld(database.db);
    const response = await postPayment(signedRequest({ body: paymentResultBody(world.payment.paymentRequestId, 'F') }));
    expect(await response.text()).toBe(NOTIFICATION_ACK_BODY);
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment).toMatchObject({ status: 'FAILED', failureCode: 'USER_BALANCE_NOT_ENOUGH', failureMessage: 'balance', resultCode: 'USER_BALANCE_NOT_ENOUGH' });
    const [inbox] = await database.db.select().from(inboxEvents).where(eq(inboxEvents.objectRef, world.payment.paymentRequestId));
    expect(inbox).toMatchObject({ outcome: 'applied', outcomeDetail: 'Payment is FAILED.' });
  });

  it('a result first stored for an unknown payment and resent once the payment exists is a duplicate: it changes nothing', async () => {
    const world = await seedPaymentWorld(database.db);
    const { paymentRequestId } = world.payment;
    const signed = signNotification({ path: PAYMENT_PATH, clientId: CLIENT_ID, privateKey: KEYS.v1.privateKey, body: paymentResultBody(paymentRequestId) });
    const post = () => postPayment(new Request('http://127.0.0.1:3000/api/alipay/notify/payment', { method: 'POST', headers: signed.headers, body: signed.rawBody }));
    // While no payment has that paymentRequestId, the result is stored as about an unknown object.
    await database.db.update(payments).set({ paymentRequestId: `hidden-${paymentRequestId}` }).where(eq(payments.id, world.payment.id));
    expect(await (await post()).text()).toBe(NOTIFICATION_ACK_BODY);
    await database.db.update(payments).set({ paymentRequestId }).where(eq(payments.id, world.payment.id));
    // The resend would move the now-open payment, but its dedupe key is already in the inbox: the one statement
    // is undone as a whole and the inbox transaction answers it as a duplicate.
    expect(await (await post()).text()).toBe(NOTIFICATION_ACK_BODY);
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment).toMatchObject({ status: 'PROCESSING', succeededAt: null });
    expect(await database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, world.payment.id))).toHaveLength(0);
    expect(await database.db.select().from(auditLog).where(and(eq(auditLog.objectType, 'payment'), eq(auditLog.objectId, world.payment.id)))).toHaveLength(0);
    const inbox = await database.db.select().from(inboxEvents).where(eq(inboxEvents.dedupeKey, `PAYMENT_RESULT:${paymentRequestId}:S`));
    expect(inbox).toMatchObject([{ outcome: 'unknown_object', objectType: null }]);
    const deliveries = await database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.inboxEventId, inbox[0]!.id));
    expect(deliveries.map((d) => `${d.dedupeVerdict}/${d.outcome}`).sort()).toEqual(['duplicate/duplicate', 'new/unknown_object']);
  });

  // Every way a forged, mangled or misrouted notification can arrive. Nothing may change, and the
  // body must never be parsed before its signature verified (parseNotification is never called).
  const badInputs: [string, () => Request, number, string | null][] = [
    ['one flipped body byte', () => signedRequest({ body: paymentResultBody('P'), mutate: (p) => ({ headers: p.headers, rawBody: p.rawBody.replace('"S"', '"F"') }) }), 401, 'INVALID_SIGNATURE'],
    ['an altered Request-Time', () => signedRequest({ body: paymentResultBody('P'), mutate: (p) => ({ headers: { ...p.headers, 'request-time': String(Number(p.headers['request-time']) + 1) }, rawBody: p.rawBody }) }), 401, 'INVALID_SIGNATURE'],
    ['a wrong Client-Id', () => signedRequest({ body: paymentResultBody('P'), clientId: 'SOMEONE_ELSE' }), 401, 'CLIENT_ID_MISMATCH'],
    ['a signature over the wrong path', () => signedRequest({ body: paymentResultBody('P'), path: '/api/alipay/notify/payment', url: 'http://127.0.0.1:3000/api/alipay/notify/payment' }), 401, 'INVALID_SIGNATURE'],
    ['no Signature header', () => signedRequest({ body: paymentResultBody('P'), mutate: (p) => ({ headers: Object.fromEntries(Object.entries(p.headers).filter(([k]) => k !== 'signature')), rawBody: p.rawBody }) }), 401, 'MISSING_HEADER'],
    ['two Signature headers', () => signedRequest({ body: paymentResultBody('P'), mutate: (p) => ({ headers: [...Object.entries(p.headers), ['signature', p.headers.signature!]], rawBody: p.rawBody }) }), 401, null],
    ['an unknown keyVersion', () => signedRequest({ body: paymentResultBody('P'), keyVersion: '9' }), 401, 'UNKNOWN_KEY_VERSION'],
    ['another key', () => signedRequest({ body: paymentResultBody('P'), key: KEYS.other.privateKey }), 401, 'INVALID_SIGNATURE'],
    ['an empty body', () => signedRequest({ body: '' }), 401, 'EMPTY_BODY'],
    ['a body over 64 KB', () => signedRequest({ body: { ...paymentResultBody('P'), pad: 'x'.repeat(64 * 1024) } }), 413, null],
    ['a body over 64 KB without Content-Length (chunked)', () => {
      const signed = signNotification({ path: PAYMENT_PATH, clientId: CLIENT_ID, privateKey: KEYS.v1.privateKey, body: 'x'.repeat(70 * 1024) });
      const stream = new ReadableStream<Uint8Array>({ start(c) { for (let i = 0; i < 70; i++) c.enqueue(new TextEncoder().encode('x'.repeat(1024))); c.close(); } });
      return new Request('http://127.0.0.1:3000/api/alipay/notify/payment', { method: 'POST', headers: signed.headers, body: stream, duplex: 'half' } as RequestInit);
    }, 413, null],
  ];

  it.each(badInputs)('%s is refused (%#) with nothing applied and nothing parsed', async (_name, build, status, code) => {
    const world = await seedPaymentWorld(database.db);
    const inboxBefore = await countRows(inboxEvents);
    const auditBefore = await countRows(auditLog);
    const jsonParse = vi.spyOn(JSON, 'parse');
    const request = build();
    const response = await postPayment(request);
    const parsedTexts = jsonParse.mock.calls.map((c) => c[0]);
    jsonParse.mockRestore();
    expect(response.status).toBe(status);
    expect(await response.text()).not.toBe(NOTIFICATION_ACK_BODY);
    if (code) expect(await database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.signatureErrorCode, code))).not.toHaveLength(0);
    expect(alipay.parseNotification).not.toHaveBeenCalled();
    // The unverified body was never handed to JSON.parse either (only short internal JSON, if any).
    expect(parsedTexts.filter((t) => typeof t === 'string' && t.includes('paymentRequestId'))).toEqual([]);
    expect(await countRows(inboxEvents)).toBe(inboxBefore);
    expect(await countRows(auditLog)).toBe(auditBefore);
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment!.status).toBe('PROCESSING');
  });

  it('a verified body that is not JSON is answered 400 and applies nothing', async () => {
    const inboxBefore = await countRows(inboxEvents);
    const response = await postPayment(signedRequest({ body: 'not json {' }));
    expect(response.status).toBe(400);
    expect(await countRows(inboxEvents)).toBe(inboxBefore);
    const [logged] = await database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.outcome, 'invalid_body'));
    expect(logged).toMatchObject({ signatureVerdict: 'valid', httpStatus: 400 });
  });

  it('during a key rotation both keyVersions are accepted', async () => {
    const world = await seedPaymentWorld(database.db);
    const response = await postPayment(signedRequest({ body: paymentResultBody(world.payment.paymentRequestId), key: KEYS.v2.privateKey, keyVersion: '2' }));
    expect(response.status).toBe(200);
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment!.status).toBe('SUCCEEDED');
  });

  it('the same signed PAYMENT_RESULT posted 50 times at once: one transition, one audit row, 50 acknowledgements', async () => {
    const world = await seedPaymentWorld(database.db);
    const signed = signNotification({ path: PAYMENT_PATH, clientId: CLIENT_ID, privateKey: KEYS.v1.privateKey, body: paymentResultBody(world.payment.paymentRequestId) });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postPayment(new Request('http://127.0.0.1:3000/api/alipay/notify/payment', { method: 'POST', headers: signed.headers, body: signed.rawBody }))),
    );
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(bodies)).toEqual(new Set([NOTIFICATION_ACK_BODY]));
    const events = await database.db.select().from(paymentEvents).where(and(eq(paymentEvents.paymentId, world.payment.id), eq(paymentEvents.type, 'status_changed')));
    expect(events).toHaveLength(1);
    const audits = await database.db.select().from(auditLog).where(and(eq(auditLog.objectType, 'payment'), eq(auditLog.objectId, world.payment.id)));
    expect(audits).toHaveLength(1);
    const deliveries = await database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.objectRef, world.payment.paymentRequestId));
    expect(deliveries.filter((d) => d.dedupeVerdict === 'new')).toHaveLength(1);
    expect(deliveries.filter((d) => d.dedupeVerdict === 'duplicate')).toHaveLength(49);
  });

  // Two web processes sharing one PostgreSQL database: each has its own connection pool; the unique inbox
  // key must still let exactly one of them apply the notification.
  it.runIf(testDatabaseKind() === 'postgres')('50 identical deliveries split across two connection pools (two web processes): still one transition', async () => {
    const second = await openDatabase({ url: database.url!, migrationsFolder: path.resolve(__dirname, '..', '..', 'drizzle'), maxConnections: 4 });
    try {
      const world = await seedPaymentWorld(database.db);
      const signed = signNotification({ path: PAYMENT_PATH, clientId: CLIENT_ID, privateKey: KEYS.v1.privateKey, body: paymentResultBody(world.payment.paymentRequestId) });
      const deps = await getNotificationDeps();
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          receiveNotification({ ...deps, db: i % 2 ? second.db : deps.db }, 'payment', new Request('http://127.0.0.1:3000/api/alipay/notify/payment', { method: 'POST', headers: signed.headers, body: signed.rawBody })),
        ),
      );
      expect(await Promise.all(responses.map((r) => r.text()))).toEqual(Array(50).fill(NOTIFICATION_ACK_BODY));
      expect(await database.db.select().from(paymentEvents).where(and(eq(paymentEvents.paymentId, world.payment.id), eq(paymentEvents.type, 'status_changed')))).toHaveLength(1);
      expect(await database.db.select().from(auditLog).where(and(eq(auditLog.objectType, 'payment'), eq(auditLog.objectId, world.payment.id)))).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('a success after a local cancel keeps CANCELLED, flags the payment for reconciliation, and is acknowledged', async () => {
    const world = await seedPaymentWorld(database.db, { paymentStatus: 'CANCELLED' });
    const response = await postPayment(signedRequest({ body: paymentResultBody(world.payment.paymentRequestId) }));
    expect(await response.text()).toBe(NOTIFICATION_ACK_BODY);
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment!.status).toBe('CANCELLED');
    expect(payment!.reconciliationFlag).toMatch(/succeeded/);
  });

  it('a refund result finishes the refund and moves the reservation to refunded', async () => {
    const world = await seedPaymentWorld(database.db, { withRefund: true });
    const response = await postRefund(signedRequest({ path: REFUND_PATH, body: refundResultBody(world.refund!.refundRequestId) }));
    expect(await response.text()).toBe(NOTIFICATION_ACK_BODY);
    const [refund] = await database.db.select().from(refunds).where(eq(refunds.id, world.refund!.id));
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(refund!.status).toBe('SUCCEEDED');
    expect([payment!.refundedMinor, payment!.refundPendingMinor]).toEqual([400n, 0n]);
  });

  it('TOKEN_CANCELED revokes the agreement holding that token (found by its blind index), audited once', async () => {
    const token = `tok-${crypto.randomUUID()}`;
    const world = await seedPaymentWorld(database.db, { accessTokenIndex: vault.index(token, 'accessToken') });
    const body = { authorizationNotifyType: 'TOKEN_CANCELED', accessToken: token, reason: 'user revoked in app', result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' } };
    for (let i = 0; i < 2; i++) expect(await (await postAuthorization(signedRequest({ path: AUTH_PATH, body }))).text()).toBe(NOTIFICATION_ACK_BODY);
    const [agreement] = await database.db.select().from(agreements).where(eq(agreements.id, world.agreement.id));
    expect(agreement).toMatchObject({ status: 'REVOKED', revokedBy: 'wallet' });
    expect(await database.db.select().from(auditLog).where(eq(auditLog.objectId, world.agreement.id))).toHaveLength(1);
    // The token is nowhere in clear: the inbox keeps it sealed and shows it masked.
    const [inbox] = await database.db.select().from(inboxEvents).where(eq(inboxEvents.objectRef, world.agreement.id));
    expect(JSON.stringify(inbox)).not.toContain(token);
  });

  it('a known notification on another channel\'s URL (a refund result posted to the payment route) is refused and recorded, nothing applied', async () => {
    const world = await seedPaymentWorld(database.db, { withRefund: true });
    const inboxBefore = await countRows(inboxEvents);
    const response = await postPayment(signedRequest({ body: refundResultBody(world.refund!.refundRequestId) }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('WRONG_CHANNEL');
    expect(await countRows(inboxEvents)).toBe(inboxBefore);
    const [refund] = await database.db.select().from(refunds).where(eq(refunds.id, world.refund!.id));
    expect(refund!.status).toBe('PENDING');
    const [logged] = await database.db.select().from(notificationDeliveries).where(and(eq(notificationDeliveries.outcome, 'wrong_channel'), eq(notificationDeliveries.channel, 'payment')));
    expect(logged).toMatchObject({ signatureVerdict: 'valid', notifyType: 'REFUND_RESULT', httpStatus: 400 });
  });

  it('an unknown notification type is stored, acknowledged and shown', async () => {
    const response = await postAuthorization(signedRequest({ path: AUTH_PATH, body: { authorizationNotifyType: 'SOMETHING_NEW', result: { resultCode: 'SUCCESS', resultStatus: 'S' } } }));
    expect(await response.text()).toBe(NOTIFICATION_ACK_BODY);
    const [inbox] = await database.db.select().from(inboxEvents).where(eq(inboxEvents.notifyType, 'SOMETHING_NEW'));
    expect(inbox).toMatchObject({ outcome: 'stored' });
  });

  // Every query fails (the one-statement path runs through drizzle's session; the rest through a transaction).
  const lost = () => Promise.reject(Object.assign(new Error('connection lost'), { code: '08006' }));
  const brokenSession = (session: object) => new Proxy(session, { get: (target, prop) => (prop === 'prepareQuery' ? () => ({ execute: lost }) : Reflect.get(target, prop)) });

  it('a database failure answers 503 (so Antom resends), never the acknowledgement', async () => {
    const world = await seedPaymentWorld(database.db);
    const deps = await getNotificationDeps();
    const broken = new Proxy(deps.db, {
      get: (target, prop) => (prop === 'transaction' ? lost : prop === 'session' ? brokenSession(Reflect.get(target, prop) as object) : Reflect.get(target, prop)),
    });
    const response = await receiveNotification({ ...deps, db: broken }, 'payment', signedRequest({ body: paymentResultBody(world.payment.paymentRequestId) }));
    expect(response.status).toBe(503);
    expect(await response.text()).not.toBe(NOTIFICATION_ACK_BODY);
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment!.status).toBe('PROCESSING');
  });

  it('a database failure after the one statement moved nothing answers 503 too', async () => {
    const deps = await getNotificationDeps();
    const broken = new Proxy(deps.db, { get: (target, prop) => (prop === 'transaction' ? lost : Reflect.get(target, prop)) });
    const paymentRequestId = `unknown-${crypto.randomUUID()}`;
    const response = await receiveNotification({ ...deps, db: broken }, 'payment', signedRequest({ body: paymentResultBody(paymentRequestId) }));
    expect(response.status).toBe(503);
    expect(await database.db.select().from(inboxEvents).where(eq(inboxEvents.objectRef, paymentRequestId))).toHaveLength(0);
  });
});
