import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlipayNetworkError, NOTIFICATION_ACK_BODY } from '@/lib/alipay';
import { POST as postAuthorization } from '@/app/api/alipay/notify/authorization/route';
import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import { completeAuthorizationReturn } from '@/lib/agreements/complete-authorization-return';
import { refreshAgreementToken } from '@/lib/agreements/refresh-agreement-token';
import { RETRY_REVOKE_JOB, retryAgreementRevoke } from '@/lib/agreements/retry-agreement-revoke';
import { revokeAgreement } from '@/lib/agreements/revoke-agreement';
import { startAuthorization } from '@/lib/agreements/start-authorization';
import type { Actor } from '@/lib/auth/actor';
import { agreementTokenAad, TokenVault } from '@/lib/crypto/token-vault';
import { createAuthorizationLink } from '@/lib/customers/create-authorization-link';
import { createCustomer } from '@/lib/customers/create-customer';
import type { Database } from '@/lib/db/client';
import { agreements, inboxEvents } from '@/lib/db/schema';
import { startJobQueue, type JobQueue } from '@/lib/jobs/job-queue';
import { applyAuthCodeJob } from '@/lib/notifications/apply-auth-code.job';
import { updateMerchantSettings } from '@/lib/settings/update-merchant-settings';
import { authenticateStaff } from '@/lib/staff/authenticate-staff';
import { seedFirstAdmin } from '@/lib/staff/seed-first-admin';
import { validateStaffSession } from '@/lib/staff/validate-staff-session';
import { AUTH_PATH, TOKEN_KEYS, signedRequest, useTestApp } from '../helpers/notify-fixtures';
import { startSimulatorHarness, type SimulatorHarness } from '../helpers/simulator-harness';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
let sim: SimulatorHarness;
let deps: AgreementDeps;
let queue: JobQueue;
let admin: Actor;
let customerId: string;

async function activeAgreement(wallet: string, account?: string) {
  const link = await createAuthorizationLink(database.db, admin, { customerId, expiresInHours: 1 });
  if (!link.ok) throw new Error(link.error);
  const buyer = randomBytes(8).toString('hex');
  const started = await startAuthorization(deps, { linkToken: link.data.token, paymentMethod: wallet, buyerBinding: buyer, terminal: { terminalType: 'WEB' } });
  if (!started.ok) throw new Error(started.error);
  const decision = await sim.control<{ authCode: string; authState: string }>('/simulator/authorizations/approve', { url: started.data.redirectUrl, ...(account ? { account } : {}) });
  return { agreementId: started.data.agreementId, buyer, ...decision };
}

async function load(id: string) {
  const [row] = await database.db.select().from(agreements).where(eq(agreements.id, id));
  return row!;
}

async function until(check: () => Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`authorization notifications and the token lifecycle (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSimulatorHarness();
    const vault = TokenVault.fromBase64(TOKEN_KEYS.encryption, TOKEN_KEYS.index);
    deps = { db: database.db, alipay: sim.alipay, vault, returnUrl: 'http://localhost:3000/authorize/return' };
    queue = await startJobQueue(database, { work: true, jobs: [applyAuthCodeJob] as never, context: { db: database.db, alipay: sim.alipay, vault, now: () => new Date() }, pollingIntervalSeconds: 0.5 });
    useTestApp(database, queue);
    await seedFirstAdmin(database.db, { email: 'admin@example.com', password: 'admin-password-123' });
    const auth = await authenticateStaff(database.db, { email: 'admin@example.com', password: 'admin-password-123', ip: null, userAgent: null });
    if (!auth.ok) throw new Error('sign-in failed');
    admin = (await validateStaffSession(database.db, auth.sessionId, { ip: '127.0.0.1', userAgent: 'vitest' }))!;
    await updateMerchantSettings(database.db, admin, { contractedMethods: ['GCASH', 'KAKAOPAY'] });
    const customer = await createCustomer(database.db, admin, { reference: 'cust-n', name: 'Maria Santos', country: 'PH', email: undefined, phone: undefined, preferredLanguage: 'en' });
    if (!customer.ok) throw new Error(customer.error);
    customerId = customer.data.id;
  }, 60_000);
  afterAll(async () => {
    await queue?.stop(5_000);
    await sim?.close();
    await database?.close();
  });

  it('AUTHCODE_CREATED racing the buyer’s return (and delivered twice): one applyToken, one ACTIVE agreement, every delivery acknowledged', async () => {
    const a = await activeAgreement('GCASH');
    const before = sim.applyTokenCalls();
    const body = { authorizationNotifyType: 'AUTHCODE_CREATED', authCode: a.authCode, authState: a.authState, result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' } };
    const [first, second, viaReturn] = await Promise.all([
      postAuthorization(signedRequest({ path: AUTH_PATH, body })),
      postAuthorization(signedRequest({ path: AUTH_PATH, body })),
      completeAuthorizationReturn(deps, { authState: a.authState, authCode: a.authCode, buyerBinding: a.buyer }),
    ]);
    expect([await first.text(), await second.text()]).toEqual([NOTIFICATION_ACK_BODY, NOTIFICATION_ACK_BODY]);
    expect(viaReturn).toMatchObject({ ok: true, status: 'active' });
    const [inbox] = await database.db.select().from(inboxEvents).where(eq(inboxEvents.objectRef, a.agreementId));
    await until(async () => (await database.db.select().from(inboxEvents).where(eq(inboxEvents.id, inbox!.id)))[0]!.workStatus === 'done');
    expect(sim.applyTokenCalls() - before).toBe(1);
    expect((await load(a.agreementId)).status).toBe('ACTIVE');
    // The inbox row never holds the code in clear.
    expect(JSON.stringify(await database.db.select().from(inboxEvents).where(eq(inboxEvents.id, inbox!.id)))).not.toContain(a.authCode);
  });

  it('AUTHCODE_CREATED alone (the buyer never came back) completes the agreement through the job', async () => {
    const a = await activeAgreement('KAKAOPAY');
    const body = { authorizationNotifyType: 'AUTHCODE_CREATED', authCode: a.authCode, authState: a.authState, result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' } };
    expect(await (await postAuthorization(signedRequest({ path: AUTH_PATH, body }))).text()).toBe(NOTIFICATION_ACK_BODY);
    await until(async () => (await load(a.agreementId)).status === 'ACTIVE');
  });

  it('a short-token agreement is refreshed once however many workers race, and the newest refresh token is stored', async () => {
    const a = await activeAgreement('GCASH', 'short-token');
    await completeAuthorizationReturn(deps, { authState: a.authState, authCode: a.authCode, buyerBinding: a.buyer });
    const before = await load(a.agreementId);
    expect(before.status).toBe('ACTIVE');
    expect(before.accessTokenExpiresAt!.getTime() - Date.now()).toBeLessThan(3 * 60_000);
    const oldRefresh = deps.vault.open(before.refreshTokenCiphertext!, agreementTokenAad(before.id, 'refresh_token', before.tokenKeyVersion!));
    // Due two thirds into its 2-minute life; bring that moment forward so every worker finds it due.
    expect(before.tokenRefreshDueAt!.getTime() - before.activatedAt!.getTime()).toBeGreaterThan(75_000);
    expect(before.tokenRefreshDueAt!.getTime() - before.activatedAt!.getTime()).toBeLessThan(85_000);
    await database.db.update(agreements).set({ tokenRefreshDueAt: new Date() }).where(eq(agreements.id, a.agreementId));
    const calls = sim.applyTokenCalls();
    const results = await Promise.all(Array.from({ length: 5 }, () => refreshAgreementToken(deps, a.agreementId)));
    expect(results.filter((r) => r.kind === 'refreshed')).toHaveLength(1);
    expect(sim.applyTokenCalls() - calls).toBe(1);
    const after = await load(a.agreementId);
    expect(after.status).toBe('ACTIVE');
    expect(after.tokenRefreshedAt).toBeInstanceOf(Date);
    expect(after.tokenRefreshStartedAt).toBeNull();
    const newRefresh = deps.vault.open(after.refreshTokenCiphertext!, agreementTokenAad(after.id, 'refresh_token', after.tokenKeyVersion!));
    expect(newRefresh).not.toBe(oldRefresh);
    // Not due again until two thirds into the new token's life.
    expect(await refreshAgreementToken(deps, a.agreementId)).toEqual({ kind: 'not_due' });
  });

  it('a refresh token past its expiry makes the agreement EXPIRED, saying why', async () => {
    const a = await activeAgreement('GCASH', 'short-token');
    await completeAuthorizationReturn(deps, { authState: a.authState, authCode: a.authCode, buyerBinding: a.buyer });
    const later = { ...deps, now: () => new Date(Date.now() + 11 * 60_000) };
    const result = await refreshAgreementToken(later, a.agreementId);
    expect(result.kind).toBe('expired');
    const row = await load(a.agreementId);
    expect(row).toMatchObject({ status: 'EXPIRED', failureCode: 'REFRESH_TOKEN_EXPIRED' });
    expect(row.failureMessage).toMatch(/authorize again/);
  });

  it('a wallet that never notifies revocation (GCash): the revoke is found out at the next refresh and the agreement says so', async () => {
    const a = await activeAgreement('GCASH', 'short-token');
    await completeAuthorizationReturn(deps, { authState: a.authState, authCode: a.authCode, buyerBinding: a.buyer });
    const row = await load(a.agreementId);
    const accessToken = deps.vault.open(row.accessTokenCiphertext!, agreementTokenAad(row.id, 'access_token', row.tokenKeyVersion!));
    await sim.control('/simulator/authorizations/revoke', { accessToken, reason: 'buyer revoked in app' });
    const result = await refreshAgreementToken(deps, a.agreementId, { force: true });
    expect(result.kind).toBe('needs_reauthorization');
    const after = await load(a.agreementId);
    expect(after.status).toBe('INVALID');
    expect(after.failureMessage).toMatch(/does not notify revocations/);
  });

  it('a merchant-side revoke left unanswered (U) is retried in the background until the wallet confirms', async () => {
    const a = await activeAgreement('GCASH');
    await completeAuthorizationReturn(deps, { authState: a.authState, authCode: a.authCode, buyerBinding: a.buyer });
    let revokeCalls = 0;
    const queued: { name: string; data: Record<string, unknown> }[] = [];
    const flaky: AgreementDeps = {
      ...deps,
      alipay: { ...sim.alipay, revoke: (input, options) => (revokeCalls++ === 0 ? Promise.reject(new AlipayNetworkError('TIMEOUT', 'no answer', 1)) : sim.alipay.revoke(input, options)) },
      enqueue: async (name, data) => {
        queued.push({ name, data });
      },
    };
    const first = await revokeAgreement(flaky, { agreementId: a.agreementId, by: { kind: 'buyer', customerId } });
    expect(first).toMatchObject({ ok: false, code: 'revoke_unavailable' });
    expect((await load(a.agreementId)).status).toBe('ACTIVE');
    expect(queued).toEqual([{ name: RETRY_REVOKE_JOB, data: { agreementId: a.agreementId, revokedBy: 'buyer' } }]);
    // The job's run: the resend is answered this time.
    expect(await retryAgreementRevoke(flaky, a.agreementId, 'buyer')).toBe('revoked');
    expect((await load(a.agreementId)).status).toBe('REVOKED');
    // Running it again (a duplicate job) does nothing.
    expect(await retryAgreementRevoke(flaky, a.agreementId, 'buyer')).toBe('nothing_to_do');
    expect(revokeCalls).toBe(2);
  });
});
