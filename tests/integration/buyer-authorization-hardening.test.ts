import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import { applyAuthCodeCreated } from '@/lib/agreements/apply-auth-code-created';
import { completeAuthorizationReturn } from '@/lib/agreements/complete-authorization-return';
import { revokeAgreement } from '@/lib/agreements/revoke-agreement';
import { START_LIMIT_PER_IP, START_LIMIT_PER_LINK, startAuthorization } from '@/lib/agreements/start-authorization';
import type { Actor } from '@/lib/auth/actor';
import { TokenVault } from '@/lib/crypto/token-vault';
import { createAuthorizationLink } from '@/lib/customers/create-authorization-link';
import { createCustomer } from '@/lib/customers/create-customer';
import { revokeAuthorizationLink } from '@/lib/customers/revoke-authorization-link';
import type { Database } from '@/lib/db/client';
import { agreements, auditLog, authorizationLinks } from '@/lib/db/schema';
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

async function newLink(): Promise<string> {
  const link = await createAuthorizationLink(database.db, admin, { customerId, expiresInHours: 1 });
  if (!link.ok) throw new Error(link.error);
  return link.data.token;
}

let ipCounter = 0;
/** A fresh documentation-range address per attempt unless given, so the per-IP cap only bites where tested. */
const nextIp = () => `198.51.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

async function consult(buyer: string, linkToken?: string, clientIp = nextIp()) {
  const started = await startAuthorization(deps, { linkToken: linkToken ?? (await newLink()), paymentMethod: 'GCASH', buyerBinding: buyer, terminal: { terminalType: 'WEB' }, clientIp });
  if (!started.ok) throw new Error(`${started.code}: ${started.error}`);
  return started.data;
}

async function approve(redirectUrl: string) {
  return sim.control<{ redirectUrl: string; authCode: string; authState: string }>('/simulator/authorizations/approve', { url: redirectUrl });
}

/** Delivers Antom's signed AUTHCODE_CREATED the way the notification route does: verify, parse, apply. */
async function deliverAuthCodeCreated(d: AgreementDeps, pair: { authState: string; authCode: string }) {
  const signed = sim.signAuthCodeCreated(pair);
  sim.alipay.verifyNotification(signed);
  const body = JSON.parse(signed.rawBody) as { authState: string; authCode: string };
  return applyAuthCodeCreated(d, { authState: body.authState, authCode: body.authCode });
}

async function agreement(id: string) {
  const [row] = await database.db.select().from(agreements).where(eq(agreements.id, id));
  return row!;
}

describe(`buyer authorization hardening (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSimulatorHarness();
    deps = {
      db: database.db,
      alipay: sim.alipay,
      vault: new TokenVault(randomBytes(32), randomBytes(32)),
      returnUrl: 'http://localhost:3000/authorize/return',
      authReturnWaitMs: 0,
    };
    await seedFirstAdmin(database.db, { email: 'admin@example.com', password: 'admin-password-123' });
    const auth = await authenticateStaff(database.db, { email: 'admin@example.com', password: 'admin-password-123', ip: null, userAgent: null });
    if (!auth.ok) throw new Error('sign-in failed');
    admin = (await validateStaffSession(database.db, auth.sessionId, { ip: '127.0.0.1', userAgent: 'vitest' }))!;
    expect((await updateMerchantSettings(database.db, admin, { contractedMethods: ['GCASH'] })).ok).toBe(true);
    const customer = await createCustomer(database.db, admin, { reference: 'cust-h', name: 'Ana Cruz', country: 'PH', email: undefined, phone: undefined, preferredLanguage: 'en' });
    if (!customer.ok) throw new Error(customer.error);
    customerId = customer.data.id;
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    await database?.close();
  });

  describe('an authCode only activates the agreement Antom paired it with (finding 1)', () => {
    it("B pasting A's code into B's own return links nothing, no 500, and A still ends ACTIVE", async () => {
      const a = await consult('buyer-a');
      const b = await consult('buyer-b');
      const decisionA = await approve(a.redirectUrl);
      expect(await deliverAuthCodeCreated(deps, decisionA)).toMatchObject({ applied: true, result: { kind: 'active' } });
      const bState = new URL(b.redirectUrl).searchParams.get('authState') ?? (await approve(b.redirectUrl)).authState;
      const hijack = await completeAuthorizationReturn(deps, { authState: bState, authCode: decisionA.authCode, buyerBinding: 'buyer-b' });
      expect(hijack).toEqual({ ok: false, problem: 'code_mismatch', linkToken: expect.any(String) });
      expect((await agreement(b.agreementId)).accessTokenCiphertext).toBeNull();
      expect((await agreement(b.agreementId)).status).not.toBe('ACTIVE');
      expect(await completeAuthorizationReturn(deps, { authState: decisionA.authState, authCode: decisionA.authCode, buyerBinding: 'buyer-a' })).toMatchObject({ ok: true, status: 'active' });
      expect((await agreement(a.agreementId)).status).toBe('ACTIVE');
    });

    it("B's return with A's code before any notification: strict mode waits, links nothing, and A's notification completes A", async () => {
      const strict = { ...deps, authReturnWaitMs: 300, requireAuthNotification: true };
      const a = await consult('buyer-a2');
      const b = await consult('buyer-b2');
      const decisionA = await approve(a.redirectUrl);
      const decisionB = await approve(b.redirectUrl);
      const calls = sim.applyTokenCalls();
      const early = await completeAuthorizationReturn(strict, { authState: decisionB.authState, authCode: decisionA.authCode, buyerBinding: 'buyer-b2' });
      expect(early).toMatchObject({ ok: true, status: 'in_progress' });
      expect(sim.applyTokenCalls()).toBe(calls);
      expect((await agreement(b.agreementId)).status).toBe('PENDING');
      // Antom's notifications arrive: each code goes to its own agreement.
      expect(await deliverAuthCodeCreated(strict, decisionA)).toMatchObject({ applied: true, result: { kind: 'active' } });
      expect(await deliverAuthCodeCreated(strict, decisionB)).toMatchObject({ applied: true, result: { kind: 'active' } });
      expect(await completeAuthorizationReturn(strict, { authState: decisionB.authState, authCode: decisionA.authCode, buyerBinding: 'buyer-b2' })).toMatchObject({ ok: false, problem: 'reused_state' });
      expect(await completeAuthorizationReturn(strict, { authState: decisionA.authState, authCode: decisionA.authCode, buyerBinding: 'buyer-a2' })).toMatchObject({ ok: true, status: 'active' });
      const [rowA, rowB] = [await agreement(a.agreementId), await agreement(b.agreementId)];
      expect(rowA.authCodeIndex).toBe(deps.vault.index(decisionA.authCode, 'authCode'));
      expect(rowB.authCodeIndex).toBe(deps.vault.index(decisionB.authCode, 'authCode'));
    });

    it('a return that arrives before its notification waits for it and then exchanges once', async () => {
      const waiting = { ...deps, authReturnWaitMs: 3000 };
      const a = await consult('buyer-a3');
      const decision = await approve(a.redirectUrl);
      const calls = sim.applyTokenCalls();
      const [back] = await Promise.all([
        completeAuthorizationReturn(waiting, { authState: decision.authState, authCode: decision.authCode, buyerBinding: 'buyer-a3' }),
        new Promise((r) => setTimeout(r, 200)).then(() => deliverAuthCodeCreated(waiting, decision)),
      ]);
      expect(back).toMatchObject({ ok: true, status: 'active' });
      expect(sim.applyTokenCalls() - calls).toBe(1);
    });

    it("refuses a code that differs from the one Antom notified for this authState, and a second notification's code", async () => {
      const b = await consult('buyer-b4');
      const decisionB = await approve(b.redirectUrl);
      const other = await approve((await consult('buyer-x4')).redirectUrl);
      // Pair first without exchanging: a notification for B's state with B's code (then B's return with X's code).
      const waiting = { ...deps, authReturnWaitMs: 0 };
      await deliverAuthCodeCreated(waiting, decisionB);
      expect(await completeAuthorizationReturn(waiting, { authState: decisionB.authState, authCode: other.authCode, buyerBinding: 'buyer-b4' })).toMatchObject({ ok: false });
      expect(await deliverAuthCodeCreated(waiting, { authState: decisionB.authState, authCode: other.authCode })).toEqual({ applied: false, reason: 'code_mismatch' });
    });

    it('lenient mode without any notification: a pasted code is exchanged, and the late notification of its real owner invalidates that agreement and revokes its token', async () => {
      const a = await consult('buyer-a5');
      const b = await consult('buyer-b5');
      const decisionA = await approve(a.redirectUrl);
      const decisionB = await approve(b.redirectUrl);
      // Documented window of AUTH_REQUIRE_NOTIFICATION=false: nothing yet says whose code this is.
      expect(await completeAuthorizationReturn(deps, { authState: decisionB.authState, authCode: decisionA.authCode, buyerBinding: 'buyer-b5' })).toMatchObject({ ok: true });
      expect((await agreement(b.agreementId)).status).toBe('ACTIVE');
      const revokesBefore = sim.calls('revoke');
      // Antom's signed pairing arrives: the code was A's. B's agreement loses the wallet at once.
      expect(await deliverAuthCodeCreated(deps, decisionA)).toEqual({ applied: false, reason: 'code_in_use', invalidatedAgreementId: b.agreementId });
      expect(await agreement(b.agreementId)).toMatchObject({ status: 'INVALID', failureCode: 'AUTH_CODE_MISUSED' });
      expect(sim.calls('revoke')).toBe(revokesBefore + 1);
      const audits = await database.db.select().from(auditLog).where(and(eq(auditLog.objectId, b.agreementId), eq(auditLog.action, 'agreement.auth_code_misused')));
      expect(audits).toHaveLength(1);
      // A resend of the same notification changes nothing more.
      expect(await deliverAuthCodeCreated(deps, decisionA)).toEqual({ applied: false, reason: 'code_in_use', invalidatedAgreementId: null });
      expect(sim.calls('revoke')).toBe(revokesBefore + 1);
      // B's own code was never used: A's agreement is still pending, B could start again from a new link.
      expect((await agreement(a.agreementId)).status).not.toBe('ACTIVE');
      void decisionB;
    });
  });

  describe('one link, one agreement (finding 2)', () => {
    it('two tabs and two browsers on one link, racing their returns 5 times: exactly one ACTIVE, the others see link_used and keep no token', async () => {
      for (let round = 0; round < 5; round++) {
        const link = await newLink();
        const tabs = [await consult(`tabs-${round}`, link), await consult(`tabs-${round}`, link), await consult(`other-browser-${round}`, link)];
        const buyers = [`tabs-${round}`, `tabs-${round}`, `other-browser-${round}`];
        const decisions = await Promise.all(tabs.map((t) => approve(t.redirectUrl)));
        const revokes = sim.calls('revoke');
        const outcomes = await Promise.all(decisions.map((d, i) => completeAuthorizationReturn(deps, { authState: d.authState, authCode: d.authCode, buyerBinding: buyers[i]! })));
        expect(outcomes.filter((o) => o.ok && o.status === 'active')).toHaveLength(1);
        expect(outcomes.filter((o) => !o.ok && o.problem === 'link_used')).toHaveLength(2);
        // No bearer link handed back on the losers' problem page.
        expect(outcomes.filter((o) => !o.ok).every((o) => o.linkToken === null)).toBe(true);
        const rows = await Promise.all(tabs.map((t) => agreement(t.agreementId)));
        expect(rows.filter((r) => r.status === 'ACTIVE')).toHaveLength(1);
        expect(rows.filter((r) => r.status === 'FAILED' && r.failureCode === 'LINK_USED' && r.accessTokenCiphertext === null)).toHaveLength(2);
        // The two tokens the wallet granted for nothing were revoked at Antom.
        expect(sim.calls('revoke') - revokes).toBe(2);
      }
    }, 120_000);

    it('a link revoked while the buyer is at the wallet activates nothing', async () => {
      const link = await newLink();
      const { agreementId, redirectUrl } = await consult('at-wallet', link);
      const decision = await approve(redirectUrl);
      const [row] = await database.db.select().from(authorizationLinks).where(eq(authorizationLinks.token, link));
      expect(await revokeAuthorizationLink(database.db, admin, { linkId: row!.id })).toMatchObject({ ok: true });
      const outcome = await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: 'at-wallet' });
      expect(outcome).toEqual({ ok: false, problem: 'link_revoked', linkToken: null });
      expect(await agreement(agreementId)).toMatchObject({ status: 'FAILED', failureCode: 'LINK_REVOKED', accessTokenCiphertext: null });
    });

    it('never hands the link token to a browser that did not start the attempt (finding 6)', async () => {
      const link = await newLink();
      const { redirectUrl } = await consult('victim', link);
      const decision = await approve(redirectUrl);
      expect(await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: 'attacker' })).toEqual({ ok: false, problem: 'foreign_browser', linkToken: null });
      expect(await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: null, buyerBinding: null })).toEqual({ ok: false, problem: 'foreign_browser', linkToken: null });
    });
  });

  describe('attempt caps on the start route (finding 11)', () => {
    it(`refuses attempt ${START_LIMIT_PER_LINK + 1} on one link within the window, before any consult`, async () => {
      const link = await newLink();
      for (let i = 0; i < START_LIMIT_PER_LINK; i++) await consult(`cap-${i}`, link, `203.0.113.${i + 1}`);
      const consults = sim.calls('consult');
      expect(await startAuthorization(deps, { linkToken: link, paymentMethod: 'GCASH', buyerBinding: 'cap-x', terminal: { terminalType: 'WEB' }, clientIp: '203.0.113.99' })).toMatchObject({ ok: false, code: 'too_many_attempts' });
      expect(sim.calls('consult')).toBe(consults);
      const later = { ...deps, now: () => new Date(Date.now() + 11 * 60_000) };
      expect(await startAuthorization(later, { linkToken: link, paymentMethod: 'GCASH', buyerBinding: 'cap-x', terminal: { terminalType: 'WEB' }, clientIp: '203.0.113.99' })).toMatchObject({ ok: true });
    });

    it('500 buyers behind one carrier-NAT address each start an authorization within 10 minutes, while a script hammering one link is stopped', async () => {
      const nat = '100.64.7.7';
      const t0 = Date.now();
      // 500 buyers spread over 9 minutes (a fake clock), each on their own link, all from one address.
      const results = [];
      for (let i = 0; i < 500; i++) {
        const at = { ...deps, now: () => new Date(t0 + Math.floor((i * 9 * 60_000) / 500)) };
        results.push(await startAuthorization(at, { linkToken: await newLink(), paymentMethod: 'GCASH', buyerBinding: `nat-${i}`, terminal: { terminalType: 'WEB' }, clientIp: nat }));
      }
      expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual([]);
      // Meanwhile one link hammered from that same address: attempt 11 is refused.
      const hammered = await newLink();
      const hammer = [];
      for (let i = 0; i < 25; i++) hammer.push(await startAuthorization({ ...deps, now: () => new Date(t0 + 5 * 60_000) }, { linkToken: hammered, paymentMethod: 'GCASH', buyerBinding: 'script', terminal: { terminalType: 'WEB' }, clientIp: nat }));
      expect(hammer.filter((r) => r.ok)).toHaveLength(START_LIMIT_PER_LINK);
      expect(hammer.slice(START_LIMIT_PER_LINK).every((r) => !r.ok && r.code === 'too_many_attempts')).toBe(true);
    }, 300_000);

    it(`refuses attempt ${START_LIMIT_PER_IP + 1} from one IP within 10 minutes; other IPs are unaffected`, async () => {
      // The attempts themselves, as rows (consulting 1,000 times would only slow the test down).
      const [any] = await database.db.select().from(agreements).limit(1);
      const { id: _id, ...template } = any!;
      const rows = Array.from({ length: START_LIMIT_PER_IP }, (_, i) => ({ ...template, authStateIndex: `cap-state-${i}-${randomBytes(4).toString('hex')}`, buyerBindingIndex: `cap-${i}`, accessTokenIndex: null, authCodeIndex: null, startIp: '192.0.2.50', createdAt: new Date() }));
      for (let i = 0; i < rows.length; i += 200) await database.db.insert(agreements).values(rows.slice(i, i + 200));
      expect(await startAuthorization(deps, { linkToken: await newLink(), paymentMethod: 'GCASH', buyerBinding: 'ip-x', terminal: { terminalType: 'WEB' }, clientIp: '192.0.2.50' })).toMatchObject({ ok: false, code: 'too_many_attempts' });
      expect(await startAuthorization(deps, { linkToken: await newLink(), paymentMethod: 'GCASH', buyerBinding: 'ip-y', terminal: { terminalType: 'WEB' }, clientIp: '192.0.2.51' })).toMatchObject({ ok: true });
    }, 60_000);
  });

  describe('concurrent revokes (finding 12)', () => {
    it('a buyer and two staff at once: one revoke call, everyone told the final state, at most the winning staff audited', async () => {
      for (let round = 0; round < 5; round++) {
        const { agreementId, redirectUrl } = await consult(`rev-${round}`);
        const decision = await approve(redirectUrl);
        await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: `rev-${round}` });
        const before = sim.calls('revoke');
        const results = await Promise.all([
          revokeAgreement(deps, { agreementId, by: { kind: 'buyer', customerId } }),
          revokeAgreement(deps, { agreementId, by: { kind: 'staff', actor: admin } }),
          revokeAgreement(deps, { agreementId, by: { kind: 'staff', actor: admin } }),
        ]);
        expect(sim.calls('revoke') - before).toBe(1);
        const final = await agreement(agreementId);
        expect(final.status).toBe('REVOKED');
        for (const result of results) expect(result).toEqual({ ok: true, data: { status: 'REVOKED' } });
        const audits = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'agreement.revoke'), eq(auditLog.objectId, agreementId)));
        expect(audits).toHaveLength(final.revokedBy === 'buyer' ? 0 : 1);
        expect(audits.every((a) => (a.after as { status: string }).status === 'REVOKED')).toBe(true);
      }
    }, 60_000);
  });
});
