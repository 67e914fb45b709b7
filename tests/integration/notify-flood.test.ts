import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_ACK_BODY, signNotification } from '@/lib/alipay';
import { POST as postPayment } from '@/app/api/alipay/notify/payment/route';
import type { Database } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows-of';
import { notificationDeliveries, payments } from '@/lib/db/schema';
import { getNotificationDeps } from '@/lib/notifications/app-deps';
import { listNotificationDeliveries } from '@/lib/notifications/list-notification-deliveries';
import type { NotificationDeps } from '@/lib/notifications/notification-deps';
import { purgeRejectedDeliveries } from '@/lib/notifications/purge-rejected-deliveries';
import { handleNotification, RATE_LIMITED_FLUSH } from '@/lib/notifications/receive-notification';
import { REJECTION_FIRST_BYTES } from '@/lib/notifications/record-rejection';
import { CLIENT_ID, KEYS, PAYMENT_PATH, paymentResultBody, seedPaymentWorld, useTestApp } from '../helpers/notify-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
let deps: NotificationDeps;

const ATTACKER = '203.0.113.7';
const ANTOM = '198.51.100.20';

/** A delivery as the node fast path hands it over: headers as a record, the body already in memory. */
function delivery(sourceIp: string, signed: { headers: Record<string, string>; rawBody: string }) {
  const body = new TextEncoder().encode(signed.rawBody);
  return {
    requestPath: '/api/alipay/notify/payment',
    sourceIp,
    headers: signed.headers,
    readBody: async (limit: number) => (body.byteLength > limit ? undefined : body),
  };
}

function forged(i: number) {
  // Signed with a stranger's key: each body differs (as a fuzzer's would), each is ~1 KB.
  return signNotification({ path: PAYMENT_PATH, clientId: CLIENT_ID, privateKey: KEYS.other.privateKey, keyVersion: '1', body: { ...paymentResultBody(`forged-${i}`), pad: 'p'.repeat(900) } });
}

async function tableBytes(): Promise<number> {
  const [row] = rowsOf<{ n: string }>(await database.db.execute(sql`select pg_total_relation_size('notification_deliveries')::text as n`));
  return Number(row!.n);
}

describe(`a flood of forged notifications (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    useTestApp(database);
    deps = await getNotificationDeps();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('10,000 forged posts from one address leave a bounded record, while real notifications are all applied', { timeout: 120_000 }, async () => {
    const worlds = await Promise.all(Array.from({ length: 50 }, () => seedPaymentWorld(database.db)));
    const signedForged = Array.from({ length: 200 }, (_, i) => forged(i));
    const bytesBefore = await tableBytes();
    const statuses = new Map<number, number>();
    const realLatencies: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const answer = await handleNotification(deps, 'payment', delivery(ATTACKER, signedForged[i % signedForged.length]!));
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (i % 200 === 0) {
        const world = worlds[i / 200]!;
        const real = signNotification({ path: PAYMENT_PATH, clientId: CLIENT_ID, privateKey: KEYS.v1.privateKey, body: paymentResultBody(world.payment.paymentRequestId) });
        const t0 = performance.now();
        const ok = await handleNotification(deps, 'payment', delivery(ANTOM, real));
        realLatencies.push(performance.now() - t0);
        expect(ok).toMatchObject({ status: 200, body: NOTIFICATION_ACK_BODY });
      }
    }
    const bytesAfter = await tableBytes();
    const rejected = await database.db
      .select({ n: sql<number>`count(*)::int`, repeats: sql<number>`coalesce(sum(${notificationDeliveries.repeatCount}), 0)::int`, rowBytes: sql<number>`coalesce(max(pg_column_size(${notificationDeliveries}.*)), 0)::int` })
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.sourceIp, ATTACKER));
    const { n, repeats, rowBytes } = rejected[0]!;
    realLatencies.sort((a, b) => a - b);
    console.log(
      `[flood] 10000 forged posts from one address: ${statuses.get(401) ?? 0} verified and refused (401), ${statuses.get(429) ?? 0} refused unread (429); ` +
        `${n} record row(s) counting ${repeats} deliveries, largest row ${rowBytes} B; notification_deliveries grew ${((bytesAfter - bytesBefore) / 1024).toFixed(0)} KiB with the 50 real deliveries' full records ` +
        `(bound: one row < 4 KiB per address, verdict and 10 minutes); 50 real notifications meanwhile: median ${realLatencies[25]!.toFixed(1)} ms, all applied`,
    );
    // The bound: one aggregated row per address, verdict (here: bad signature, rate limited) and 10-minute window
    // (twice that if the run crossed a window edge), each under 4 KiB; the rows count every post but the last < 500 unread.
    expect(n).toBeLessThanOrEqual(4);
    expect(rowBytes).toBeLessThan(4096);
    expect(repeats).toBeGreaterThan(10_000 - RATE_LIMITED_FLUSH);
    expect(repeats).toBeLessThanOrEqual(10_000);
    // Most never got past the per-address limit: they cost no read, no verify, no write.
    expect(statuses.get(429) ?? 0).toBeGreaterThan(9_000);
    expect(bytesAfter - bytesBefore).toBeLessThan(1024 * 1024);
    const succeeded = await database.db.select({ n: sql<number>`count(*)::int` }).from(payments).where(eq(payments.status, 'SUCCEEDED'));
    expect(succeeded[0]!.n).toBe(50);
  });

  it('a refused delivery keeps a hash, its size and first bytes (masked), not the body or every header', async () => {
    const body = JSON.stringify({ ...paymentResultBody('looking'), accessToken: 'secret-token-value', pad: 'x'.repeat(6000) });
    const signed = signNotification({ path: PAYMENT_PATH, clientId: CLIENT_ID, privateKey: KEYS.other.privateKey, body });
    const response = await postPayment(
      new Request('http://127.0.0.1:3000/api/alipay/notify/payment', { method: 'POST', headers: { ...signed.headers, 'x-daikou-socket-ip': '192.0.2.55', cookie: 'a=b', 'x-custom': 'y'.repeat(3000) }, body: signed.rawBody }),
    );
    expect(response.status).toBe(401);
    const [row] = await database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.sourceIp, '192.0.2.55'));
    expect(row).toMatchObject({ signatureVerdict: 'invalid', signatureErrorCode: 'INVALID_SIGNATURE', outcome: 'rejected', httpStatus: 401, bodyBytes: Buffer.byteLength(signed.rawBody), repeatCount: 1 });
    expect(row!.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.byteLength(row!.maskedBody!)).toBeLessThanOrEqual(REJECTION_FIRST_BYTES);
    expect(row!.maskedBody).not.toContain('secret-token-value');
    expect(Object.keys(row!.headers).sort()).toEqual(['client-id', 'content-type', 'request-time', 'signature']);
    // The Notifications page lists it with what was refused and why.
    const page = await listNotificationDeliveries(database.db, { verdict: 'invalid' });
    expect(page.items.find((d) => d.id === row!.id)).toMatchObject({ signatureErrorCode: 'INVALID_SIGNATURE', sourceIp: '192.0.2.55', repeatCount: 1 });
  });

  it('records of refused deliveries go after the retention time; verified ones stay', async () => {
    const before = await database.db.select({ n: sql<number>`count(*)::int` }).from(notificationDeliveries).where(eq(notificationDeliveries.signatureVerdict, 'valid'));
    expect(await purgeRejectedDeliveries(database.db, 7, new Date())).toBe(0);
    const removed = await purgeRejectedDeliveries(database.db, 7, new Date(Date.now() + 8 * 24 * 3600 * 1000));
    expect(removed).toBeGreaterThan(0);
    const left = await database.db.select({ n: sql<number>`count(*)::int` }).from(notificationDeliveries).where(sql`${notificationDeliveries.rejectionKey} is not null`);
    expect(left[0]!.n).toBe(0);
    const after = await database.db.select({ n: sql<number>`count(*)::int` }).from(notificationDeliveries).where(eq(notificationDeliveries.signatureVerdict, 'valid'));
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});
