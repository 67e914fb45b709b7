import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as postAuthorization } from '@/app/api/alipay/notify/authorization/route';
import { POST as postPayment } from '@/app/api/alipay/notify/payment/route';
import type { Actor } from '@/lib/auth/actor';
import { ForbiddenError } from '@/lib/auth/permissions';
import type { Database } from '@/lib/db/client';
import { auditLog, notificationDeliveries, paymentEvents, payments } from '@/lib/db/schema';
import { getNotificationDeps } from '@/lib/notifications/app-deps';
import { getNotificationDelivery } from '@/lib/notifications/get-notification-delivery';
import { listNotificationDeliveries } from '@/lib/notifications/list-notification-deliveries';
import { replayNotification } from '@/lib/notifications/replay-notification';
import { AUTH_PATH, KEYS, paymentResultBody, seedPaymentWorld, signedRequest, useTestApp } from '../helpers/notify-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
const actor = (role: Actor['role']): Actor => ({ userId: randomUUID(), email: `${role}@example.com`, name: role, role, sessionId: 's', ip: null, userAgent: null });

async function deliveryFor(ref: string) {
  const [row] = await database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.objectRef, ref));
  return row!;
}

describe(`Notifications page services: replay, debugger, filters (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    useTestApp(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('Replay re-runs the stored delivery: nothing changes (twice), each replay is audited, and only admins may', async () => {
    const world = await seedPaymentWorld(database.db);
    await postPayment(signedRequest({ body: paymentResultBody(world.payment.paymentRequestId) }));
    const original = await deliveryFor(world.payment.paymentRequestId);
    const eventsAfterDelivery = (await database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, world.payment.id))).length;
    expect(eventsAfterDelivery).toBeGreaterThan(0);
    const deps = await getNotificationDeps();
    const admin = actor('admin');
    for (let i = 0; i < 2; i++) expect(await replayNotification(deps, admin, { deliveryId: original.id })).toMatchObject({ ok: true, data: { outcome: 'duplicate' } });
    const [payment] = await database.db.select().from(payments).where(eq(payments.id, world.payment.id));
    expect(payment!.status).toBe('SUCCEEDED');
    expect(await database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, world.payment.id))).toHaveLength(eventsAfterDelivery);
    expect(await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'notification.replay'), eq(auditLog.actorId, admin.userId)))).toHaveLength(2);
    await expect(replayNotification(deps, actor('operator'), { deliveryId: original.id })).rejects.toBeInstanceOf(ForbiddenError);
    const listed = await listNotificationDeliveries(database.db, { id: world.payment.paymentRequestId });
    expect(listed.items.map((d) => d.dedupeVerdict).sort()).toEqual(['new', 'replay', 'replay']);
  });

  it('Replay refuses a delivery whose signature did not verify', async () => {
    await postPayment(signedRequest({ body: paymentResultBody('forged-1'), key: KEYS.other.privateKey }));
    // Unverified deliveries carry no object (nothing was parsed); the id search finds it in the masked body.
    const [row] = (await listNotificationDeliveries(database.db, { id: 'forged-1' })).items;
    expect(row).toMatchObject({ signatureVerdict: 'invalid', signatureErrorCode: 'INVALID_SIGNATURE' });
    expect(await replayNotification(await getNotificationDeps(), actor('admin'), { deliveryId: row!.id })).toMatchObject({ ok: false, code: 'not_replayable' });
  });

  let debuggerCase = 0;
  it.each([
    ['a flipped body byte', { mutate: (p: { headers: Record<string, string>; rawBody: string }) => ({ headers: p.headers, rawBody: p.rawBody.replace('"S"', '"F"') }) }, /body or Request-Time differs/],
    ['the wrong path', { path: '/api/alipay/notify/payment' }, /path differed/],
    ['the new key under the old keyVersion', { key: KEYS.v2.privateKey, keyVersion: '1' }, /keyVersion differed.*version 2/],
  ])('the signature debugger names what differed: %s', async (_name, options, conclusion) => {
    const ref = `dbg-${randomUUID()}`;
    // Refusals are aggregated per address, verdict and 10 minutes: each case comes from its own address.
    const signed = signedRequest({ body: paymentResultBody(ref), ...options });
    const headers = new Headers(signed.headers);
    headers.set('x-daikou-socket-ip', `192.0.2.${(debuggerCase += 1)}`);
    await postPayment(new Request(signed.url, { method: 'POST', headers, body: await signed.text() }));
    const [row] = (await listNotificationDeliveries(database.db, { id: ref })).items;
    const detail = await getNotificationDelivery(await getNotificationDeps(), row!.id);
    expect(detail!.delivery.signatureVerdict).toBe('invalid');
    expect(detail!.debug!.verified).toBe(false);
    expect(detail!.debug!.conclusion).toMatch(conclusion);
    expect(detail!.debug!.signedString).toMatch(/^POST \/portal\/api\/alipay\/notify\/payment\n/);
  });

  it('the debugger on a verified delivery shows the exact string with tokens masked', async () => {
    const token = `secret-token-${randomUUID()}`;
    await postAuthorization(signedRequest({ path: AUTH_PATH, body: { authorizationNotifyType: 'TOKEN_CREATED', accessToken: token, result: { resultCode: 'SUCCESS', resultStatus: 'S' } } }));
    const [row] = (await listNotificationDeliveries(database.db, { type: 'TOKEN_CREATED' })).items;
    const detail = await getNotificationDelivery(await getNotificationDeps(), row!.id);
    expect(detail!.debug!.verified).toBe(true);
    expect(JSON.stringify(detail)).not.toContain(token);
    expect(detail!.debug!.signedString).toContain('[redacted:');
  });
});
