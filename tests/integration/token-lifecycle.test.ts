import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlipayNetworkError, RETRY_POLICY, worstCaseCallMs, type AlipayClient, type RetryOperation } from '@/lib/alipay';
import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import { applyTokenCanceled } from '@/lib/agreements/apply-token-canceled';
import { completeAuthorizationReturn } from '@/lib/agreements/complete-authorization-return';
import { refreshAgreementToken } from '@/lib/agreements/refresh-agreement-token';
import { REFRESH_TOKEN_JOB, refreshDueTokens } from '@/lib/agreements/refresh-due-tokens';
import { staleRefreshMs } from '@/lib/agreements/refresh-schedule';
import { clearTokenRefreshHalt, getTokenRefreshHalt } from '@/lib/agreements/token-refresh-halt';
import { startAuthorization } from '@/lib/agreements/start-authorization';
import type { Actor } from '@/lib/auth/actor';
import { agreementTokenAad, TokenVault } from '@/lib/crypto/token-vault';
import { createAuthorizationLink } from '@/lib/customers/create-authorization-link';
import { createCustomer } from '@/lib/customers/create-customer';
import type { Database } from '@/lib/db/client';
import { agreementEvents, agreements, agreementTokenHistory } from '@/lib/db/schema';
import type { Enqueue } from '@/lib/jobs/define-job';
import { updateMerchantSettings } from '@/lib/settings/update-merchant-settings';
import { authenticateStaff } from '@/lib/staff/authenticate-staff';
import { seedFirstAdmin } from '@/lib/staff/seed-first-admin';
import { validateStaffSession } from '@/lib/staff/validate-staff-session';
import { charge } from '@/lib/payments/charge';
import { TOKEN_KEYS } from '../helpers/notify-fixtures';
import { startSimulatorHarness, type SimulatorHarness } from '../helpers/simulator-harness';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

/**
 * Issue 20: the token lifecycle against the simulator — a refresh is sent once, a lost answer never kills the
 * agreement, the claim outlives the call, refreshes follow the token's lifetime, earlier tokens still match.
 * One clock for both sides: the portal's `now` and the simulator's business clock move together.
 */
let database: Database;
let sim: SimulatorHarness;
let deps: AgreementDeps;
let admin: Actor;
let customerId: string;
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);

async function advance(ms: number) {
  offsetMs += ms;
  await sim.control('/simulator/clock/advance', { ms });
}

async function activeAgreement(account: string, wallet = 'GCASH') {
  const link = await createAuthorizationLink(database.db, admin, { customerId, expiresInHours: 1 });
  if (!link.ok) throw new Error(link.error);
  const buyer = randomBytes(8).toString('hex');
  const started = await startAuthorization(deps, { linkToken: link.data.token, paymentMethod: wallet, buyerBinding: buyer, terminal: { terminalType: 'WEB' } });
  if (!started.ok) throw new Error(started.error);
  const decision = await sim.control<{ authCode: string; authState: string }>('/simulator/authorizations/approve', { url: started.data.redirectUrl, account });
  const done = await completeAuthorizationReturn(deps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: buyer });
  if (!done.ok) throw new Error(JSON.stringify(done));
  return started.data.agreementId;
}

async function load(id: string) {
  const [row] = await database.db.select().from(agreements).where(eq(agreements.id, id));
  return row!;
}

function tokensOf(row: Awaited<ReturnType<typeof load>>) {
  return {
    access: deps.vault.open(row.accessTokenCiphertext!, agreementTokenAad(row.id, 'access_token', row.tokenKeyVersion!)),
    refresh: deps.vault.open(row.refreshTokenCiphertext!, agreementTokenAad(row.id, 'refresh_token', row.tokenKeyVersion!)),
  };
}

/** What the wallet holds now for the authorization of this access token (the simulator's query reports it). */
async function walletRefreshToken(accessToken: string): Promise<string | undefined> {
  return (await sim.alipay.queryToken({ accessToken })).data.refreshToken ?? undefined;
}

async function payWith(accessToken: string) {
  const amount = { currency: 'PHP', value: '10000' };
  return sim.alipay.pay({
    paymentRequestId: `pay_${randomBytes(10).toString('hex')}`,
    paymentAmount: amount,
    paymentMethod: { paymentMethodType: 'GCASH', paymentMethodId: accessToken },
    order: { referenceOrderId: `o_${randomBytes(6).toString('hex')}`, orderDescription: 'after refresh', orderAmount: amount },
  });
}

const makeDue = (id: string) => database.db.update(agreements).set({ tokenRefreshDueAt: now() }).where(eq(agreements.id, id));

describe(`token lifecycle (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSimulatorHarness({ timeoutMs: 1_000, hangMs: 2_500 });
    const vault = TokenVault.fromBase64(TOKEN_KEYS.encryption, TOKEN_KEYS.index);
    deps = { db: database.db, alipay: sim.alipay, vault, returnUrl: 'http://localhost:3000/authorize/return', now };
    await seedFirstAdmin(database.db, { email: 'admin@example.com', password: 'admin-password-123' });
    const auth = await authenticateStaff(database.db, { email: 'admin@example.com', password: 'admin-password-123', ip: null, userAgent: null });
    if (!auth.ok) throw new Error('sign-in failed');
    admin = (await validateStaffSession(database.db, auth.sessionId, { ip: '127.0.0.1', userAgent: 'vitest' }))!;
    await updateMerchantSettings(database.db, admin, { contractedMethods: ['GCASH', 'KAKAOPAY'] });
    const customer = await createCustomer(database.db, admin, { reference: 'cust-t', name: 'Token Tester', country: 'PH', email: undefined, phone: undefined, preferredLanguage: 'en' });
    if (!customer.ok) throw new Error(customer.error);
    customerId = customer.data.id;
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    await database?.close();
  });

  it('refresh answer lost (simulator scenario): sent once, the agreement stays usable, ends with the newest token, and a charge after it succeeds', async () => {
    const id = await activeAgreement('refresh-answer-lost');
    const before = tokensOf(await load(id));
    await makeDue(id);
    const calls = sim.applyTokenCalls();

    const lost = await refreshAgreementToken(deps, id);
    expect(lost.kind).toBe('unknown');
    // Sent once: no transport retry with the rotated-out token.
    expect(sim.applyTokenCalls() - calls).toBe(1);
    const afterLoss = await load(id);
    expect(afterLoss.status).toBe('ACTIVE');
    expect(afterLoss.tokenRefreshUnknownAt).toBeInstanceOf(Date);
    expect(afterLoss.tokenRefreshProblem).toMatch(/lost/);
    expect(afterLoss.tokenRefreshStartedAt).toBeNull();
    // The wallet did rotate: what we hold is dead.
    expect(await walletRefreshToken(before.access)).not.toBe(before.refresh);

    // The job's retry: query → adopt the newest refresh token → one refresh with it.
    const recovered = await refreshAgreementToken(deps, id);
    expect(recovered.kind).toBe('refreshed');
    const row = await load(id);
    expect(row).toMatchObject({ status: 'ACTIVE', tokenRefreshUnknownAt: null, tokenRefreshProblem: null });
    const after = tokensOf(row);
    expect(after.access).not.toBe(before.access);
    expect(await walletRefreshToken(after.access)).toBe(after.refresh);
    const events = await database.db.select({ type: agreementEvents.type }).from(agreementEvents).where(eq(agreementEvents.agreementId, id));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['token_queried', 'refresh_token_recovered']));

    // A charge through the product's own charge operation (intent, attempt, pay with the stored newest token).
    const charged = await charge({ db: database.db, alipay: sim.alipay, vault: deps.vault, enqueue: async () => {}, now }, { agreementId: id, amountMinor: 10_000n, description: 'After the refresh', initiator: { kind: 'api' } });
    expect(charged).toMatchObject({ ok: true, data: { payment: { status: 'SUCCEEDED' } } });
  });

  it('a grant refusal after our own unknown never invalidates: the agreement needs attention and stays ACTIVE', async () => {
    const id = await activeAgreement('refresh-answer-lost');
    await makeDue(id);
    expect((await refreshAgreementToken(deps, id)).kind).toBe('unknown');
    // No token query this time (it fails too): the one more refresh carries the dead token and is refused.
    const blind: AgreementDeps = { ...deps, alipay: { ...sim.alipay, queryToken: () => Promise.reject(new AlipayNetworkError('TIMEOUT', 'no answer', 1)) } };
    const result = await refreshAgreementToken(blind, id);
    expect(result.kind).toBe('needs_attention');
    const row = await load(id);
    expect(row.status).toBe('ACTIVE');
    expect(row.tokenRefreshProblem).toMatch(/lost/);
    expect(row.tokenRefreshDueAt).toBeNull();
    // The access token we hold still pays until its own expiry.
    expect((await payWith(tokensOf(row).access)).result.resultCode).toBe('SUCCESS');
  });

  it('two workers racing one refresh, 40 s timeout, the call delayed past the old 120 s: one refresh at the simulator, the newest token stored, ACTIVE', async () => {
    const id = await activeAgreement('normal');
    await makeDue(id);
    const slowTimeout = (op: RetryOperation) => worstCaseCallMs({ timeoutMs: 40_000, maxRetries: RETRY_POLICY[op].transportRetries, retryBaseDelayMs: 250 });
    let second: ReturnType<typeof refreshAgreementToken> | undefined;
    const slow: AgreementDeps = {
      ...deps,
      alipay: {
        ...sim.alipay,
        worstCaseCallMs: slowTimeout,
        applyToken: async (input, options) => {
          // The call takes 125 s (past the old fixed 120 s claim); meanwhile a second worker finds it due.
          await advance(125_000);
          second = refreshAgreementToken(slow, id);
          await second;
          return sim.alipay.applyToken(input, options);
        },
      } as AlipayClient,
    };
    expect(staleRefreshMs(slow)).toBeGreaterThan(125_000);
    const calls = sim.applyTokenCalls();
    const first = await refreshAgreementToken(slow, id);
    expect(await second).toEqual({ kind: 'busy' });
    expect(first).toMatchObject({ kind: 'refreshed', claimLost: false });
    expect(sim.applyTokenCalls() - calls).toBe(1);
    const row = await load(id);
    expect(row.status).toBe('ACTIVE');
    const t = tokensOf(row);
    expect(await walletRefreshToken(t.access)).toBe(t.refresh);
  });

  it('a claim lost mid-call still stores the newest token; the takeover refused for the superseded token changes nothing', async () => {
    const id = await activeAgreement('normal');
    await makeDue(id);
    // A's claim is taken over while its call is in flight, and the takeover's call reaches the wallet first.
    let takeover: Awaited<ReturnType<typeof refreshAgreementToken>> | undefined;
    const racing: AgreementDeps = {
      ...deps,
      alipay: {
        ...sim.alipay,
        applyToken: async (input, options) => {
          await advance(staleRefreshMs(deps) + 1_000);
          takeover = await refreshAgreementToken(deps, id);
          return sim.alipay.applyToken(input, options);
        },
      } as AlipayClient,
    };
    const first = await refreshAgreementToken(racing, id);
    // The takeover rotated first; A's old refresh token was refused — for a token no longer stored: no INVALID.
    expect(takeover).toMatchObject({ kind: 'refreshed' });
    expect(first.kind).toBe('superseded');
    const row = await load(id);
    expect(row.status).toBe('ACTIVE');
    const t = tokensOf(row);
    expect(await walletRefreshToken(t.access)).toBe(t.refresh);

    // And the other order: A's answer arrives after its claim was taken — it is stored anyway (claimLost).
    await makeDue(id);
    const late: AgreementDeps = {
      ...deps,
      alipay: {
        ...sim.alipay,
        applyToken: async (input, options) => {
          const answer = await sim.alipay.applyToken(input, options);
          await database.db.update(agreements).set({ tokenRefreshStartedAt: new Date(now().getTime() + 1) }).where(eq(agreements.id, id));
          return answer;
        },
      } as AlipayClient,
    };
    const stored = await refreshAgreementToken(late, id);
    expect(stored).toMatchObject({ kind: 'refreshed', claimLost: true });
    const t2 = tokensOf(await load(id));
    expect(await walletRefreshToken(t2.access)).toBe(t2.refresh);
    await database.db.update(agreements).set({ tokenRefreshStartedAt: null }).where(eq(agreements.id, id));
  });

  it('the short-token account over 30 simulated minutes: refreshed every ~80 s (two thirds of 2 minutes), never every sweep', async () => {
    const id = await activeAgreement('short-token');
    const start = now().getTime();
    const jobs: { at: number; agreementId: string }[] = [];
    const enqueue: Enqueue = async (name, data, options) => {
      if (name !== REFRESH_TOKEN_JOB || data.agreementId !== id) return;
      // The queue's singleton key: one waiting job per agreement.
      if (jobs.some((j) => j.agreementId === id)) return;
      jobs.push({ at: now().getTime() + (options?.startAfterSeconds ?? 0) * 1000, agreementId: id });
    };
    const refreshedAt: number[] = [];
    let sweeps = 0;
    let nextSweep = start + 60_000;
    const end = start + 30 * 60_000;
    while (true) {
      jobs.sort((a, b) => a.at - b.at);
      const job = jobs[0];
      const nextAt = job && job.at <= nextSweep ? job.at : nextSweep;
      if (nextAt > end) break;
      await advance(Math.max(0, nextAt - now().getTime()));
      if (job && job.at <= nextSweep) {
        jobs.shift();
        const result = await refreshAgreementToken(deps, job.agreementId);
        if (result.kind === 'refreshed') refreshedAt.push(now().getTime());
      } else {
        sweeps++;
        await refreshDueTokens(deps.db, enqueue, now());
        nextSweep += 60_000;
      }
    }
    const expected = (30 * 60_000) / ((2 / 3) * 2 * 60_000);
    expect(Math.abs(refreshedAt.length - expected)).toBeLessThanOrEqual(1);
    expect(refreshedAt.length).toBeLessThan(sweeps);
    const gaps = refreshedAt.slice(1).map((t, i) => t - refreshedAt[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(75_000);
    const row = await load(id);
    expect(row.status).toBe('ACTIVE');
    expect((await payWith(tokensOf(row).access)).result.resultCode).toBe('SUCCESS');
  }, 120_000);

  it('a TOKEN_CANCELED carrying the pre-refresh token revokes the agreement', async () => {
    const id = await activeAgreement('normal');
    const old = tokensOf(await load(id)).access;
    await makeDue(id);
    expect((await refreshAgreementToken(deps, id)).kind).toBe('refreshed');
    expect(tokensOf(await load(id)).access).not.toBe(old);
    const [kept] = await database.db.select().from(agreementTokenHistory).where(eq(agreementTokenHistory.agreementId, id));
    expect(kept?.accessTokenIndex).toBe(deps.vault.index(old, 'accessToken'));

    const result = await applyTokenCanceled(deps, { accessToken: old, reason: 'revoked in the wallet app' });
    expect(result).toEqual({ applied: true, agreementId: id });
    expect((await load(id)).status).toBe('REVOKED');
  });

  it('only grant codes invalidate; a merchant-side configuration code raises one alert, stops refreshes for everyone and leaves agreements ACTIVE', async () => {
    const a = await activeAgreement('normal');
    const b = await activeAgreement('normal');
    await makeDue(a);
    await makeDue(b);
    let refreshCalls = 0;
    const refusing = (code: string): AgreementDeps => ({
      ...deps,
      alipay: {
        ...sim.alipay,
        applyToken: async () => {
          refreshCalls++;
          return { outcome: 'failed', signatureVerified: true, attempts: 1, durationMs: 1, result: { resultStatus: 'F', resultCode: code, resultMessage: code }, data: { result: { resultStatus: 'F', resultCode: code, resultMessage: code } } };
        },
      } as unknown as AlipayClient,
    });
    expect(await refreshAgreementToken(refusing('KEY_NOT_FOUND'), a)).toEqual({ kind: 'halted', code: 'KEY_NOT_FOUND' });
    // Stopped for everyone: b is not even sent, and the sweep queues nothing.
    expect(await refreshAgreementToken(refusing('KEY_NOT_FOUND'), b)).toEqual({ kind: 'halted', code: 'KEY_NOT_FOUND' });
    expect(refreshCalls).toBe(1);
    const queued: string[] = [];
    expect(await refreshDueTokens(deps.db, async (_n, data) => void queued.push(String(data.agreementId)), now())).toBe(0);
    expect((await load(a)).status).toBe('ACTIVE');
    expect((await load(b)).status).toBe('ACTIVE');
    const halt = await getTokenRefreshHalt(deps.db);
    expect(halt).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(halt!.message).toMatch(/configuration/);

    // Resumed by an admin: a non-grant refusal keeps the agreement ACTIVE and retries later …
    expect(await clearTokenRefreshHalt(deps.db)).toBe(true);
    expect((await refreshAgreementToken(refusing('PARAM_ILLEGAL'), a)).kind).toBe('refused');
    const refused = await load(a);
    expect(refused.status).toBe('ACTIVE');
    expect(refused.tokenRefreshDueAt!.getTime()).toBeGreaterThan(now().getTime() + 50 * 60_000);
    // … and only a grant code (with no lost answer before it) invalidates.
    expect((await refreshAgreementToken(refusing('INVALID_REFRESH_TOKEN'), b)).kind).toBe('needs_reauthorization');
    expect((await load(b)).status).toBe('INVALID');
  });
});
