import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlipayNetworkError, RETRY_POLICY, worstCaseCallMs, type AlipayClient, type RetryOperation } from '@/lib/alipay';
import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import { exchangeAuthCode, staleApplyMs } from '@/lib/agreements/exchange-auth-code';
import { expireStalePendingAgreements, PENDING_GRACE_MS } from '@/lib/agreements/expire-stale-pending-agreements';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { agreementEvents, agreements, customers } from '@/lib/db/schema';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

/**
 * Retry ownership and claim lifetimes of the one applyToken call (issue 8 point 5), with a stub client whose
 * calls we hold open, and an injected clock. The client's own numbers (15 s timeout, 2 retries, 250 ms base
 * back-off) make the slowest call 45.75 s; the claim must outlive it.
 */
const TIMEOUT_MS = 15_000;
const BASE_DELAY_MS = 250;
const APPLY_MAX_RETRIES = RETRY_POLICY.applyToken.transportRetries;

let database: Database;
let customerId: string;
const vault = new TokenVault(randomBytes(32), randomBytes(32));

interface HeldCall {
  options: Record<string, unknown> | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function stubDeps(clock: { now: number }) {
  const calls: HeldCall[] = [];
  const alipay = {
    consult: async () => {
      throw new Error('not used');
    },
    revoke: async () => {
      throw new Error('not used');
    },
    queryToken: async () => {
      throw new Error('not used');
    },
    applyToken: (_input: unknown, options?: Record<string, unknown>) =>
      new Promise((resolve, reject) => {
        calls.push({ options, resolve, reject });
      }),
    worstCaseCallMs: (operation: RetryOperation) => worstCaseCallMs({ timeoutMs: TIMEOUT_MS, maxRetries: RETRY_POLICY[operation].transportRetries, retryBaseDelayMs: BASE_DELAY_MS }),
  } as unknown as Pick<AlipayClient, 'consult' | 'applyToken' | 'revoke' | 'queryToken' | 'worstCaseCallMs'>;
  const deps: AgreementDeps = { db: database.db, alipay, vault, returnUrl: 'http://localhost/authorize/return', now: () => new Date(clock.now) };
  return { deps, calls };
}

const success = (token: string) => ({
  outcome: 'success',
  signatureVerified: true,
  attempts: 1,
  durationMs: 1,
  result: { resultStatus: 'S', resultCode: 'SUCCESS', resultMessage: 'success' },
  data: { result: { resultStatus: 'S', resultCode: 'SUCCESS' }, accessToken: token, accessTokenExpiryTime: '2030-01-01T00:00:00Z' },
});

async function pendingAgreement(at: Date, authStateExpiresAt = new Date(at.getTime() + 600_000)): Promise<string> {
  const [row] = await database.db
    .insert(agreements)
    .values({
      customerId,
      paymentMethod: 'GCASH',
      status: 'PENDING',
      terminalType: 'WEB',
      authStateIndex: randomBytes(16).toString('hex'),
      authStateExpiresAt,
      buyerBindingIndex: 'b',
      createdAt: at,
    })
    .returning({ id: agreements.id });
  return row!.id;
}

// Long enough for a claim round trip on a busy PostgreSQL (20 ms was flaky on a shared machine).
const flush = () => new Promise((resolve) => setTimeout(resolve, 150));

describe(`applyToken claims (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const [customer] = await database.db.insert(customers).values({ reference: 'claims', name: 'Claims' }).returning({ id: customers.id });
    customerId = customer!.id;
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('the claim outlives the slowest possible applyToken call (every attempt timing out, plus back-off)', () => {
    const clock = { now: Date.now() };
    const { deps } = stubDeps(clock);
    expect(worstCaseCallMs({ timeoutMs: TIMEOUT_MS, maxRetries: APPLY_MAX_RETRIES, retryBaseDelayMs: BASE_DELAY_MS })).toBe(3 * 15_000 + 250 + 500);
    expect(staleApplyMs(deps)).toBeGreaterThan(3 * 15_000 + 250 + 500);
  });

  it('a second holder of the code arriving just before the slowest call could end does not take over; after the claim lifetime it does', async () => {
    const clock = { now: Date.parse('2026-12-01T00:00:00Z') };
    const { deps, calls } = stubDeps(clock);
    const id = await pendingAgreement(new Date(clock.now));
    const first = exchangeAuthCode(deps, id, 'code-A', 'redirect');
    await flush();
    expect(calls).toHaveLength(1);
    // The transport owns retries (the retry table in lib/alipay): the call site passes no number and never loops.
    expect(calls[0]!.options).not.toHaveProperty('maxRetries');

    clock.now += worstCaseCallMs({ timeoutMs: TIMEOUT_MS, maxRetries: APPLY_MAX_RETRIES, retryBaseDelayMs: BASE_DELAY_MS }) - 1;
    const second = exchangeAuthCode(deps, id, 'code-A', 'notification');
    await flush();
    expect(calls).toHaveLength(1);

    calls[0]!.resolve(success('token-1'));
    expect((await first).kind).toBe('active');
    expect((await second).kind).toBe('active');
    expect(calls).toHaveLength(1);

    // A claim abandoned by a crashed process is taken over once its lifetime has passed.
    const crashed = await pendingAgreement(new Date(clock.now));
    await database.db.update(agreements).set({ status: 'APPLYING', authCodeIndex: vault.index('code-B', 'authCode'), applyStartedAt: new Date(clock.now) }).where(eq(agreements.id, crashed));
    clock.now += staleApplyMs(deps) + 1;
    const takeover = exchangeAuthCode(deps, crashed, 'code-B', 'notification');
    await flush();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve(success('token-2'));
    expect((await takeover).kind).toBe('active');
  });

  it('an unknown applyToken outcome (timeout) never ends FAILED: the claim is released and the next holder of the code retries at once', async () => {
    const clock = { now: Date.parse('2026-12-01T01:00:00Z') };
    const { deps, calls } = stubDeps(clock);
    const id = await pendingAgreement(new Date(clock.now));
    const first = exchangeAuthCode(deps, id, 'code-C', 'redirect');
    await flush();
    calls[0]!.reject(new AlipayNetworkError('TIMEOUT', 'applyToken: no answer', 3));
    expect((await first).kind).toBe('in_progress');
    const [row] = await database.db.select().from(agreements).where(eq(agreements.id, id));
    expect(row!.status).toBe('APPLYING');
    expect(row!.failureCode).toBeNull();

    const retry = exchangeAuthCode(deps, id, 'code-C', 'notification');
    await flush();
    expect(calls).toHaveLength(2);
    calls[1]!.resolve(success('token-3'));
    expect((await retry).kind).toBe('active');
  });

  it('a final F from applyToken ends FAILED with the mapped reason', async () => {
    const clock = { now: Date.parse('2026-12-01T02:00:00Z') };
    const { deps, calls } = stubDeps(clock);
    const id = await pendingAgreement(new Date(clock.now));
    const pending = exchangeAuthCode(deps, id, 'code-D', 'redirect');
    await flush();
    calls[0]!.resolve({
      outcome: 'failed',
      signatureVerified: true,
      attempts: 1,
      durationMs: 1,
      result: { resultStatus: 'F', resultCode: 'EXPIRED_CODE', resultMessage: 'expired' },
      data: { result: { resultStatus: 'F', resultCode: 'EXPIRED_CODE' } },
    });
    const result = await pending;
    expect(result.kind).toBe('failed');
    expect(result.agreement).toMatchObject({ status: 'FAILED', failureCode: 'EXPIRED_CODE' });
  });

  it('the PENDING-expiry job ends attempts abandoned past the grace period, once, and leaves fresh ones alone', async () => {
    const now = new Date('2026-12-02T00:00:00Z');
    const stale = await pendingAgreement(new Date(now.getTime() - PENDING_GRACE_MS - 700_000), new Date(now.getTime() - PENDING_GRACE_MS - 100_000));
    const fresh = await pendingAgreement(new Date(now.getTime() - 60_000));
    await expireStalePendingAgreements(database.db, now);
    expect(await expireStalePendingAgreements(database.db, now)).toBe(0);
    const rows = await database.db.select({ id: agreements.id, status: agreements.status }).from(agreements);
    expect(rows.find((r) => r.id === stale)?.status).toBe('EXPIRED');
    expect(rows.find((r) => r.id === fresh)?.status).toBe('PENDING');
    const events = await database.db.select().from(agreementEvents).where(eq(agreementEvents.agreementId, stale));
    expect(events.map((e) => e.type)).toEqual(['expired']);
  });

  it('markAgreementInvalid moves an ACTIVE agreement to INVALID once, inside the caller’s transaction, and records why', async () => {
    const { markAgreementInvalid } = await import('@/lib/agreements/mark-agreement-invalid');
    const id = await pendingAgreement(new Date());
    await database.db.update(agreements).set({ status: 'ACTIVE' }).where(eq(agreements.id, id));
    const at = new Date();
    const [first, second] = await Promise.all([
      database.db.transaction((tx) => markAgreementInvalid(tx, id, { reason: 'The access token is invalid.', resultCode: 'INVALID_ACCESS_TOKEN', cause: 'api', at })),
      database.db.transaction((tx) => markAgreementInvalid(tx, id, { reason: 'The access token is invalid.', resultCode: 'INVALID_ACCESS_TOKEN', cause: 'job', at })),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    const [row] = await database.db.select().from(agreements).where(eq(agreements.id, id));
    expect(row).toMatchObject({ status: 'INVALID', failureCode: 'INVALID_ACCESS_TOKEN', failureMessage: 'The access token is invalid.' });
    const events = await database.db.select().from(agreementEvents).where(eq(agreementEvents.agreementId, id));
    expect(events.map((e) => e.type)).toEqual(['invalidated']);

    // A rolled-back caller leaves nothing behind.
    const other = await pendingAgreement(new Date());
    await database.db.update(agreements).set({ status: 'ACTIVE' }).where(eq(agreements.id, other));
    await expect(
      database.db.transaction(async (tx) => {
        await markAgreementInvalid(tx, other, { reason: 'x', resultCode: null, cause: 'api', at });
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    const [untouched] = await database.db.select().from(agreements).where(eq(agreements.id, other));
    expect(untouched!.status).toBe('ACTIVE');
  });
});
