import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayClient } from '@/lib/alipay';
import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import { startAuthorization } from '@/lib/agreements/start-authorization';
import { recordApiCall } from '@/lib/api-calls/record-api-call';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { apiCalls, authorizationLinks, customers, merchantSettings } from '@/lib/db/schema';
import { ensureDevKeys } from '@/lib/simulator/keys';
import { startSimulator, type RunningSimulator } from '@/lib/simulator/server';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

/**
 * The API call log as the app writes it (issue 8 point 6): a real client whose observer is the app's
 * recordApiCall, against the simulator. Every call is linked to its object, authState is never stored in
 * clear, and signature_verified is a boolean.
 */
let database: Database;
let simulator: RunningSimulator;
let dir: string;
const pending: Promise<void>[] = [];

describe(`API call log (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), 'daikou-calllog-'));
    const keys = ensureDevKeys(dir);
    simulator = await startSimulator({
      port: 0,
      secret: 's',
      persist: false,
      simulatorPrivateKeyPem: keys.simulatorPrivateKeyPem,
      clients: [{ clientId: 'CALL_LOG', publicKeyPem: keys.merchantPublicKeyPem, keyVersion: '1', notifyUrls: {} }],
    });
    const alipay = createAlipayClient({
      gatewayUrl: simulator.url,
      clientId: 'CALL_LOG',
      merchantPrivateKey: keys.merchantPrivateKeyPem,
      alipayPublicKey: keys.simulatorPublicKeyPem,
      observer: (event) => void pending.push(recordApiCall(database.db, event)),
    });
    const deps: AgreementDeps = { db: database.db, alipay, vault: new TokenVault(randomBytes(32), randomBytes(32)), returnUrl: 'http://localhost/authorize/return' };
    await database.db.insert(merchantSettings).values({ id: 1, contractedMethods: ['GCASH'] }).onConflictDoUpdate({ target: merchantSettings.id, set: { contractedMethods: ['GCASH'] } });
    const [customer] = await database.db.insert(customers).values({ reference: 'log', name: 'Log' }).returning();
    await database.db.insert(authorizationLinks).values({ token: 'log-link-token-0123456789', customerId: customer!.id, expiresAt: new Date(Date.now() + 3600_000) });
    const started = await startAuthorization(deps, { linkToken: 'log-link-token-0123456789', paymentMethod: 'GCASH', buyerBinding: 'buyer', terminal: { terminalType: 'WEB' } });
    if (!started.ok) throw new Error(started.error);
    await Promise.all(pending);
  }, 60_000);
  afterAll(async () => {
    await simulator?.close();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('links the consult call to its agreement, records a boolean signature verdict, and never stores authState in clear', async () => {
    const rows = await database.db.select().from(apiCalls).where(eq(apiCalls.endpoint, 'consult'));
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row!.subject).toMatch(/^agreement:[0-9a-f-]{36}$/);
    expect(row!.signatureVerified).toBe(true);
    expect(row!.resultStatus).toBe('S');
    const body = row!.requestBody as Record<string, unknown>;
    expect(body.authState).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toMatch(/"authState":"(?!\[redacted)/);
  });
});
