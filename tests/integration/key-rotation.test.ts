import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSealedByVersion, onOldKeys, removedKeysInUse, resealSecrets } from '@/lib/crypto/sealed-secrets';
import { agreementTokenAad, parseKeyring, TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { agreements, customers, merchantSettings } from '@/lib/db/schema';
import { keyringProblems } from '@/scripts/prepare-runtime';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

/**
 * Issue 20 point 5: rotating the token encryption key. 1,000 agreements sealed under key 1; key 2 is added
 * (newest first), the re-seal job moves everything, key 1 is removed — and removing a key still in use is
 * refused at start-up with the count of rows that would become unreadable.
 */
const b64 = (bytes: Buffer) => bytes.toString('base64');
const key1 = randomBytes(32);
const key2 = randomBytes(32);
const indexKey = randomBytes(32);
const ring = (...keys: [number, Buffer][]) => keys.map(([v, k]) => `${v}:${b64(k)}`).join(',');
const configFor = (keyring: string) => ({ TOKEN_ENCRYPTION_KEY: undefined, TOKEN_ENCRYPTION_KEYS: keyring, TOKEN_INDEX_KEY: b64(indexKey) });

let database: Database;
const tokens = new Map<string, { access: string; refresh: string }>();
const N = 1_000;

describe(`token encryption key rotation (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const [customer] = await database.db.insert(customers).values({ reference: 'rotation', name: 'Rotation' }).returning({ id: customers.id });
    const only1 = TokenVault.fromKeyring(ring([1, key1]), b64(indexKey));
    const rows = Array.from({ length: N }, () => {
      const id = randomUUID();
      const access = `sim_at_${randomBytes(12).toString('hex')}`;
      const refresh = `sim_rt_${randomBytes(12).toString('hex')}`;
      tokens.set(id, { access, refresh });
      return {
        id,
        customerId: customer!.id,
        paymentMethod: 'GCASH',
        status: 'ACTIVE' as const,
        terminalType: 'WEB',
        authStateIndex: randomBytes(16).toString('hex'),
        authStateExpiresAt: new Date(),
        buyerBindingIndex: 'b',
        accessTokenCiphertext: only1.seal(access, agreementTokenAad(id, 'access_token', 1)),
        accessTokenIndex: only1.index(access, 'accessToken'),
        refreshTokenCiphertext: only1.seal(refresh, agreementTokenAad(id, 'refresh_token', 1)),
        tokenKeyVersion: 1,
      };
    });
    for (let i = 0; i < rows.length; i += 250) await database.db.insert(agreements).values(rows.slice(i, i + 250));
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it('seal 1,000 under key 1, add key 2, re-seal, remove key 1: every token opens, the old key’s count reaches 0; removing a key still in use is refused', async () => {
    const both = TokenVault.fromKeyring(ring([2, key2], [1, key1]), b64(indexKey));
    expect(both.keyVersion).toBe(2);
    expect(onOldKeys(await countSealedByVersion(database.db), both.keyVersion)).toBe(N);

    // Removing key 1 now would leave 1,000 rows unreadable: start-up refuses, naming the version and the count.
    const refused = await keyringProblems(database.db, configFor(ring([2, key2])));
    expect(refused).toEqual([expect.stringMatching(/^TOKEN_ENCRYPTION_KEYS no longer holds key version 1, but 1000 agreement token rows are sealed with it/)]);
    expect(await keyringProblems(database.db, configFor(ring([2, key2], [1, key1])))).toEqual([]);

    const progress = await resealSecrets(database.db, both, { batchSize: 300 });
    expect(progress).toMatchObject({ targetVersion: 2, done: N, remaining: 0, failed: 0 });
    expect(progress.finishedAt).not.toBeNull();
    const [settings] = await database.db.select({ progress: merchantSettings.resealProgress }).from(merchantSettings);
    expect(settings?.progress).toMatchObject({ targetVersion: 2, done: N, remaining: 0 });
    expect(onOldKeys(await countSealedByVersion(database.db), 2)).toBe(0);

    // Key 1 removed: nothing refuses, and every token opens with key 2 alone.
    expect(await keyringProblems(database.db, configFor(ring([2, key2])))).toEqual([]);
    const only2 = TokenVault.fromKeyring(ring([2, key2]), b64(indexKey));
    const rows = await database.db.select().from(agreements);
    expect(rows).toHaveLength(N);
    for (const row of rows) {
      expect(row.tokenKeyVersion).toBe(2);
      const expected = tokens.get(row.id)!;
      expect(only2.open(row.accessTokenCiphertext!, agreementTokenAad(row.id, 'access_token', 2))).toBe(expected.access);
      expect(only2.open(row.refreshTokenCiphertext!, agreementTokenAad(row.id, 'refresh_token', 2))).toBe(expected.refresh);
      // The blind index does not depend on the encryption key: lookups keep working.
      expect(row.accessTokenIndex).toBe(only2.index(expected.access, 'accessToken'));
    }
    // A second run has nothing to do.
    expect(await resealSecrets(database.db, both)).toMatchObject({ done: 0, remaining: 0 });
  }, 120_000);

  it('bad input changes nothing: a malformed keyring is refused by position, a token under a removed key does not open', async () => {
    expect(() => parseKeyring(`2:${b64(key2)},1:short`)).toThrow(/entry 2 \(version 1\) must be 32 random bytes/);
    expect(() => parseKeyring(`2:${b64(key2)} 2:${b64(key1)}`)).toThrow(/version 2 twice/);
    expect(() => parseKeyring('garbage')).toThrow(/entry 1 is not/);
    const only1 = TokenVault.fromKeyring(ring([1, key1]), b64(indexKey));
    const [row] = await database.db.select().from(agreements).where(eq(agreements.tokenKeyVersion, 2)).limit(1);
    expect(() => only1.open(row!.accessTokenCiphertext!, agreementTokenAad(row!.id, 'access_token', 2))).toThrow(/key version 2, which is not in the keyring/);
    expect(removedKeysInUse(await countSealedByVersion(database.db), only1)).toEqual([expect.stringMatching(/no longer holds key version 2, but 1000 agreement token rows/)]);
  });
});
