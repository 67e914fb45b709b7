import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import { applyAuthCodeCreated } from '@/lib/agreements/apply-auth-code-created';
import { applyTokenCanceled } from '@/lib/agreements/apply-token-canceled';
import { completeAuthorizationReturn } from '@/lib/agreements/complete-authorization-return';
import { revokeAgreement } from '@/lib/agreements/revoke-agreement';
import { startAuthorization } from '@/lib/agreements/start-authorization';
import type { Actor } from '@/lib/auth/actor';
import { agreementTokenAad, TokenVault } from '@/lib/crypto/token-vault';
import { createAuthorizationLink } from '@/lib/customers/create-authorization-link';
import { createCustomer } from '@/lib/customers/create-customer';
import { revokeAuthorizationLink } from '@/lib/customers/revoke-authorization-link';
import type { Database } from '@/lib/db/client';
import { agreements, authorizationLinks } from '@/lib/db/schema';
import { updateMerchantSettings } from '@/lib/settings/update-merchant-settings';
import { authenticateStaff } from '@/lib/staff/authenticate-staff';
import { seedFirstAdmin } from '@/lib/staff/seed-first-admin';
import { validateStaffSession } from '@/lib/staff/validate-staff-session';
import { startSimulatorHarness, type SimulatorHarness } from '../helpers/simulator-harness';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
let sim: SimulatorHarness;
let deps: AgreementDeps;
let admin: Actor;
let customerId: string;
const WALLETS = ['GCASH', 'KAKAOPAY', 'ALIPAY_CN', 'TRUEMONEY', 'PAYPAY'];
// Tests share the database, so one that counts or looks rows up does it only among rows it created itself
// (its own customer, its own links): adding, removing or reordering other tests cannot change its result.

/** A customer of its own for a test that counts agreements or looks links up. */
async function newCustomer(): Promise<string> {
  const created = await createCustomer(database.db, admin, { reference: `cust-${randomBytes(6).toString('hex')}`, name: 'Test Buyer', country: 'PH', email: undefined, phone: undefined, preferredLanguage: undefined });
  if (!created.ok) throw new Error(created.error);
  return created.data.id;
}

async function newLinkRow(forCustomer = customerId) {
  const link = await createAuthorizationLink(database.db, admin, { customerId: forCustomer, expiresInHours: 1 });
  if (!link.ok) throw new Error(link.error);
  return link.data;
}

async function newLink(forCustomer = customerId): Promise<string> {
  return (await newLinkRow(forCustomer)).token;
}

type Terminal = { terminalType: 'WEB' | 'WAP' | 'APP'; osType?: 'IOS' | 'ANDROID' };

async function consultFor(wallet: string, buyer: string, terminal: Terminal = { terminalType: 'WEB' }, linkToken?: string) {
  const started = await startAuthorization(deps, { linkToken: linkToken ?? (await newLink()), paymentMethod: wallet, buyerBinding: buyer, terminal });
  if (!started.ok) throw new Error(`${started.code}: ${started.error}`);
  return started.data;
}

async function approve(redirectUrl: string, account?: string) {
  return sim.control<{ redirectUrl: string; authCode: string; authState: string }>('/simulator/authorizations/approve', { url: redirectUrl, ...(account ? { account } : {}) });
}

describe(`buyer authorization against the simulator (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    // Every AMS call is written to api_calls as the app does, so the database scan below covers the call log.
    sim = await startSimulatorHarness({ callLog: () => database.db });
    deps = {
      db: database.db,
      alipay: sim.alipay,
      vault: new TokenVault(randomBytes(32), randomBytes(32)),
      returnUrl: 'http://localhost:3000/authorize/return?from=wallet',
    };
    const seeded = await seedFirstAdmin(database.db, { email: 'admin@example.com', password: 'admin-password-123' });
    expect(seeded.created).toBe(true);
    const auth = await authenticateStaff(database.db, { email: 'admin@example.com', password: 'admin-password-123', ip: null, userAgent: null });
    if (!auth.ok) throw new Error('sign-in failed');
    admin = (await validateStaffSession(database.db, auth.sessionId, { ip: '127.0.0.1', userAgent: 'vitest' }))!;
    expect((await updateMerchantSettings(database.db, admin, { contractedMethods: WALLETS })).ok).toBe(true);
    const customer = await createCustomer(database.db, admin, { reference: 'cust-1', name: 'Maria Santos', country: 'PH', email: undefined, phone: undefined, preferredLanguage: 'fil' });
    if (!customer.ok) throw new Error(customer.error);
    customerId = customer.data.id;
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    await database?.close();
  });

  it.each([
    ['GCASH', { terminalType: 'WAP', osType: 'ANDROID' }],
    ['KAKAOPAY', { terminalType: 'WEB' }],
    ['ALIPAY_CN', { terminalType: 'APP', osType: 'IOS' }],
    ['TRUEMONEY', { terminalType: 'WAP', osType: 'IOS' }],
    ['PAYPAY', { terminalType: 'WEB' }],
  ] as const)('authorizes %s end to end (%o) and stores tokens encrypted', async (wallet, terminal) => {
    const buyer = randomBytes(16).toString('hex');
    const { agreementId, redirectUrl } = await consultFor(wallet, buyer, terminal);
    expect(redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const decision = await approve(redirectUrl);
    const returnUrl = new URL(decision.redirectUrl);
    // The simulator appends to a URL that already has a query.
    expect(returnUrl.searchParams.get('from')).toBe('wallet');
    const outcome = await completeAuthorizationReturn(deps, { authState: returnUrl.searchParams.get('authState'), authCode: returnUrl.searchParams.get('authCode'), buyerBinding: buyer });
    expect(outcome).toMatchObject({ ok: true, status: 'active' });
    const [row] = await database.db.select().from(agreements).where(eq(agreements.id, agreementId));
    expect(row).toMatchObject({ status: 'ACTIVE', paymentMethod: wallet, terminalType: terminal.terminalType });
    expect(deps.vault.open(row!.accessTokenCiphertext!, agreementTokenAad(agreementId, 'access_token', 1))).toMatch(/\S{16,}/);
    expect(row!.accessTokenExpiresAt).toBeInstanceOf(Date);
    expect(row!.userLoginIdMasked).toMatch(/\*/);
    const [link] = await database.db.select().from(authorizationLinks).where(eq(authorizationLinks.id, row!.linkId!));
    expect(link?.status).toBe('USED');
  });

  it('races the return and AUTHCODE_CREATED 20 times: one applyToken and one agreement each time', async () => {
    const racer = await newCustomer();
    const created: string[] = [];
    for (let i = 0; i < 20; i++) {
      const buyer = randomBytes(16).toString('hex');
      const { agreementId, redirectUrl } = await consultFor('GCASH', buyer, { terminalType: 'WEB' }, await newLink(racer));
      created.push(agreementId);
      const decision = await approve(redirectUrl);
      const before = sim.applyTokenCalls();
      const [viaReturn, viaNotification] = await Promise.all([
        completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: buyer }),
        applyAuthCodeCreated(deps, { authState: decision.authState, authCode: decision.authCode }),
      ]);
      expect(sim.applyTokenCalls() - before).toBe(1);
      expect(viaReturn).toMatchObject({ ok: true, status: 'active' });
      expect(viaNotification).toMatchObject({ applied: true, result: { kind: 'active' } });
      const rows = await database.db.select().from(agreements).where(eq(agreements.id, agreementId));
      expect(rows).toHaveLength(1);
      expect(rows[0]?.status).toBe('ACTIVE');
      // Notification redelivered later: still nothing new.
      expect(await applyAuthCodeCreated(deps, { authState: decision.authState, authCode: decision.authCode })).toMatchObject({ applied: true, result: { kind: 'active' } });
      expect(sim.applyTokenCalls() - before).toBe(1);
    }
    // Exactly the 20 agreements this test started, each ACTIVE: no duplicate from the losing side of a race.
    const mine = await database.db.select({ id: agreements.id, status: agreements.status }).from(agreements).where(eq(agreements.customerId, racer));
    expect(mine.map((row) => row.id).sort()).toEqual([...created].sort());
    expect(new Set(mine.map((row) => row.status))).toEqual(new Set(['ACTIVE']));
  }, 120_000);

  it('completes from AUTHCODE_CREATED alone when the buyer never returns', async () => {
    const { agreementId, redirectUrl } = await consultFor('KAKAOPAY', 'buyer-gone');
    const decision = await approve(redirectUrl);
    expect(await applyAuthCodeCreated(deps, { authState: decision.authState, authCode: decision.authCode })).toMatchObject({ applied: true, result: { kind: 'active' } });
    const [row] = await database.db.select().from(agreements).where(eq(agreements.id, agreementId));
    expect(row?.status).toBe('ACTIVE');
    expect(await applyAuthCodeCreated(deps, { authState: 'never-issued', authCode: 'x' })).toEqual({ applied: false, reason: 'unknown_state' });
  });

  it('a claim abandoned mid-applyToken (crash) is taken over by the next AUTHCODE_CREATED delivery', async () => {
    const { agreementId, redirectUrl } = await consultFor('GCASH', 'crashed');
    const decision = await approve(redirectUrl);
    // As if a process had claimed the code and died before applyToken answered.
    await database.db
      .update(agreements)
      .set({ status: 'APPLYING', authCodeIndex: deps.vault.index(decision.authCode, 'authCode'), applyStartedAt: new Date(Date.now() - 5 * 60_000) })
      .where(eq(agreements.id, agreementId));
    const calls = sim.applyTokenCalls();
    expect(await applyAuthCodeCreated(deps, { authState: decision.authState, authCode: decision.authCode })).toMatchObject({ applied: true, result: { kind: 'active' } });
    expect(sim.applyTokenCalls() - calls).toBe(1);
    // A fresh claim is not stolen: a second caller waits instead of calling again.
    expect(await applyAuthCodeCreated(deps, { authState: decision.authState, authCode: decision.authCode })).toMatchObject({ result: { kind: 'active' } });
    expect(sim.applyTokenCalls() - calls).toBe(1);
  });

  it('reloading the return URL is harmless: same agreement, no second applyToken', async () => {
    const buyer = 'reload-buyer';
    const { redirectUrl } = await consultFor('GCASH', buyer);
    const decision = await approve(redirectUrl);
    const input = { authState: decision.authState, authCode: decision.authCode, buyerBinding: buyer };
    const first = await completeAuthorizationReturn(deps, input);
    const calls = sim.applyTokenCalls();
    const second = await completeAuthorizationReturn(deps, input);
    expect(second).toMatchObject({ ok: true, status: 'active' });
    expect(first.ok && second.ok && first.agreement.id === second.agreement.id).toBe(true);
    expect(sim.applyTokenCalls()).toBe(calls);
  });

  it('refuses missing, unknown, foreign, replayed and expired authState without calling applyToken', async () => {
    const calls = sim.applyTokenCalls();
    expect(await completeAuthorizationReturn(deps, { authState: null, authCode: 'x', buyerBinding: 'b' })).toMatchObject({ ok: false, problem: 'missing_state' });
    expect(await completeAuthorizationReturn(deps, { authState: 'tampered', authCode: 'x', buyerBinding: 'b' })).toMatchObject({ ok: false, problem: 'unknown_state' });

    const { redirectUrl } = await consultFor('GCASH', 'owner');
    const decision = await approve(redirectUrl);
    expect(await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: 'someone-else' })).toMatchObject({ ok: false, problem: 'foreign_browser' });
    expect(await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: null })).toMatchObject({ ok: false, problem: 'foreign_browser' });
    expect(sim.applyTokenCalls()).toBe(calls);
    expect(await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: 'owner' })).toMatchObject({ ok: true, status: 'active' });
    // Replay with another code after success.
    expect(await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: 'other-code', buyerBinding: 'owner' })).toMatchObject({ ok: false, problem: 'reused_state' });

    const later = await consultFor('GCASH', 'slow-buyer');
    const lateDecision = await approve(later.redirectUrl);
    const lateDeps = { ...deps, now: () => new Date(Date.now() + 11 * 60_000) };
    const calls2 = sim.applyTokenCalls();
    expect(await completeAuthorizationReturn(lateDeps, { authState: lateDecision.authState, authCode: lateDecision.authCode, buyerBinding: 'slow-buyer' })).toMatchObject({ ok: false, problem: 'expired_state' });
    // A reload of that return still says why: expired, not "already completed".
    expect(await completeAuthorizationReturn(lateDeps, { authState: lateDecision.authState, authCode: lateDecision.authCode, buyerBinding: 'slow-buyer' })).toMatchObject({ ok: false, problem: 'expired_state' });
    expect(sim.applyTokenCalls()).toBe(calls2);
  });

  it('records a decline at the wallet', async () => {
    const { agreementId, redirectUrl } = await consultFor('TRUEMONEY', 'decliner');
    const decision = await sim.control<{ redirectUrl: string; authState: string }>('/simulator/authorizations/decline', { url: redirectUrl });
    const back = new URL(decision.redirectUrl);
    expect(back.searchParams.get('authCode')).toBeNull();
    expect(await completeAuthorizationReturn(deps, { authState: back.searchParams.get('authState'), authCode: null, buyerBinding: 'decliner' })).toMatchObject({ ok: true, status: 'declined' });
    const [row] = await database.db.select().from(agreements).where(eq(agreements.id, agreementId));
    expect(row?.status).toBe('DECLINED');
  });

  it('refuses wallets the merchant has not contracted and links that are used, revoked or unknown', async () => {
    const web = { terminalType: 'WEB' } as const;
    expect(await startAuthorization(deps, { linkToken: await newLink(), paymentMethod: 'DANA', buyerBinding: 'b', terminal: web })).toMatchObject({ ok: false, code: 'method_not_offered' });
    expect(await startAuthorization(deps, { linkToken: 'A'.repeat(32), paymentMethod: 'GCASH', buyerBinding: 'b', terminal: web })).toMatchObject({ ok: false, code: 'link_unknown' });

    // Used: this test's own link, taken through to an active agreement first.
    const used = await newLinkRow();
    const { redirectUrl } = await consultFor('GCASH', 'link-user', web, used.token);
    const decision = await approve(redirectUrl);
    expect(await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: 'link-user' })).toMatchObject({ ok: true, status: 'active' });
    expect(await startAuthorization(deps, { linkToken: used.token, paymentMethod: 'GCASH', buyerBinding: 'b', terminal: web })).toMatchObject({ ok: false, code: 'link_used' });

    const revoked = await newLinkRow();
    expect(await revokeAuthorizationLink(database.db, admin, { linkId: revoked.id })).toMatchObject({ ok: true });
    const calls = sim.applyTokenCalls();
    expect(await startAuthorization(deps, { linkToken: revoked.token, paymentMethod: 'GCASH', buyerBinding: 'b', terminal: web })).toMatchObject({ ok: false, code: 'link_revoked' });
    expect(sim.applyTokenCalls()).toBe(calls);
  });

  it('revokes from the buyer side (revoke at Antom) and applies TOKEN_CANCELED from the wallet side', async () => {
    const buyer = 'revoker';
    const { agreementId, redirectUrl } = await consultFor('GCASH', buyer);
    const d = await approve(redirectUrl);
    await completeAuthorizationReturn(deps, { authState: d.authState, authCode: d.authCode, buyerBinding: buyer });
    expect(await revokeAgreement(deps, { agreementId, by: { kind: 'buyer', customerId: '00000000-0000-4000-8000-000000000000' } })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await revokeAgreement(deps, { agreementId, by: { kind: 'buyer', customerId } })).toEqual({ ok: true, data: { status: 'REVOKED' } });
    expect(await revokeAgreement(deps, { agreementId, by: { kind: 'buyer', customerId } })).toEqual({ ok: true, data: { status: 'REVOKED' } });

    const second = await consultFor('ALIPAY_CN', 'wallet-revoker');
    const d2 = await approve(second.redirectUrl);
    await completeAuthorizationReturn(deps, { authState: d2.authState, authCode: d2.authCode, buyerBinding: 'wallet-revoker' });
    const [row] = await database.db.select().from(agreements).where(eq(agreements.id, second.agreementId));
    const token = deps.vault.open(row!.accessTokenCiphertext!, agreementTokenAad(row!.id, 'access_token', 1));
    expect(await applyTokenCanceled(deps, { accessToken: token, reason: 'user' })).toEqual({ applied: true, agreementId: second.agreementId });
    expect(await applyTokenCanceled(deps, { accessToken: token })).toEqual({ applied: false, agreementId: second.agreementId });
    expect(await applyTokenCanceled(deps, { accessToken: 'unknown' })).toEqual({ applied: false, agreementId: null });
  });

  it('leaves no token, authCode or authState in clear anywhere in the database, the API call log included', async () => {
    // This test's own authorizations: every secret they handed out, and the ids that prove the dump sees them.
    const secrets: string[] = [];
    const ids: string[] = [];
    for (const wallet of ['GCASH', 'KAKAOPAY', 'ALIPAY_CN']) {
      const buyer = `leak-check-${wallet}`;
      const { agreementId, redirectUrl } = await consultFor(wallet, buyer);
      const decision = await approve(redirectUrl);
      expect(await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: buyer })).toMatchObject({ ok: true, status: 'active' });
      const [row] = await database.db.select().from(agreements).where(eq(agreements.id, agreementId));
      secrets.push(decision.authCode, decision.authState, deps.vault.open(row!.accessTokenCiphertext!, agreementTokenAad(agreementId, 'access_token', 1)));
      if (row!.refreshTokenCiphertext) secrets.push(deps.vault.open(row!.refreshTokenCiphertext, agreementTokenAad(agreementId, 'refresh_token', 1)));
      ids.push(agreementId);
    }
    expect(secrets.every((secret) => secret.length >= 16)).toBe(true);
    await sim.flushCallLog();
    // PGlite answers { rows }, postgres.js an array: accept both.
    const rowsOf = <T,>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);
    const rows = rowsOf<{ table_name: string }>(await database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`));
    let dump = '';
    for (const { table_name } of rows) {
      const list = rowsOf<{ j: string }>(await database.db.execute(sql.raw(`select row_to_json(t)::text as j from "${table_name}" t`)));
      dump += list.map((r) => r.j).join('\n');
    }
    expect(ids.filter((id) => !dump.includes(id))).toEqual([]);
    // Every table was scanned, and the call log really holds every consult, applyToken and revoke made.
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['agreements', 'agreement_events', 'api_calls', 'audit_log', 'authorization_links', 'staff_sessions']));
    const logged = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from api_calls`))[0]!.n;
    expect(logged).toBe(sim.calls('consult') + sim.calls('applyToken') + sim.calls('revoke'));
    expect(logged).toBeGreaterThan(0);
    const leaks = secrets.filter((secret) => dump.includes(secret));
    expect(leaks).toEqual([]);
  });
});
