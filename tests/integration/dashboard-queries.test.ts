import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAgreementDetail } from '@/lib/agreements/get-agreement-detail';
import { listAgreements } from '@/lib/agreements/list-agreements';
import { getCustomer } from '@/lib/customers/get-customer';
import { listAuthorizationLinks } from '@/lib/customers/list-authorization-links';
import { listCustomers } from '@/lib/customers/list-customers';
import type { Database } from '@/lib/db/client';
import { agreementEvents, agreements, authorizationLinks, customers, type AgreementStatus } from '@/lib/db/schema';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
/** Values planted in the secret columns: none of them may appear in anything a query returns. */
const SECRETS = ['ciphertext-access-SECRET', 'ciphertext-refresh-SECRET', 'index-access-SECRET', 'index-state-SECRET', 'index-binding-SECRET', 'index-code-SECRET'];
const ids: { customers: string[]; agreements: string[] } = { customers: [], agreements: [] };
// cust-2, cust-3 and cust-4 share a timestamp; by id (descending) they come as cust-2 (…0c), cust-4 (…0b), cust-3 (…0a).
const CUSTOMER_IDS = ['01', '02', '0c', '0a', '0b', '06', '07'].map((tail) => `00000000-0000-4000-8000-0000000000${tail}`);
/** Newest first, the id breaking the tie at minute 3. */
const CUSTOMERS_NEWEST_FIRST = ['cust-6', 'cust-5', 'cust-2', 'cust-4', 'cust-3', 'cust-1', 'cust-0'];

function collectAll<T>(fetch: (after: string | null) => Promise<{ items: T[]; nextCursor: string | null }>) {
  return (async () => {
    const pages: T[][] = [];
    let after: string | null = null;
    do {
      const page = await fetch(after);
      pages.push(page.items);
      after = page.nextCursor;
    } while (after && pages.length < 50);
    return pages;
  })();
}

describe(`dashboard read queries (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    // 7 customers; three share one timestamp so the id breaks the tie. Their ids are fixed, and ordered
    // unlike their references and insertion order, so the expected order can be written out literally.
    const times = [at(1), at(2), at(3), at(3), at(3), at(4), at(5)];
    for (const [i, createdAt] of times.entries()) {
      const [row] = await db
        .insert(customers)
        .values({ id: CUSTOMER_IDS[i]!, reference: `cust-${i}`, name: `Customer ${i}`, country: 'PH', createdAt, updatedAt: createdAt })
        .returning({ id: customers.id });
      ids.customers.push(row!.id);
    }
    const [a, b] = ids.customers as [string, string];
    const statuses: [string, AgreementStatus, number][] = [
      [a, 'ACTIVE', 10],
      [a, 'ACTIVE', 11],
      [a, 'REVOKED', 12],
      [b, 'ACTIVE', 12],
      [b, 'PENDING', 12],
      [b, 'DECLINED', 13],
    ];
    for (const [i, [customerId, status, minute]] of statuses.entries()) {
      const [row] = await db
        .insert(agreements)
        .values({
          customerId,
          status,
          paymentMethod: i % 2 ? 'GCASH' : 'KAKAOPAY',
          terminalType: 'WEB',
          authStateIndex: `${SECRETS[3]}-${i}`,
          authStateExpiresAt: at(minute + 10),
          buyerBindingIndex: `${SECRETS[4]}-${i}`,
          authCodeIndex: `${SECRETS[5]}-${i}`,
          accessTokenCiphertext: `${SECRETS[0]}-${i}`,
          accessTokenIndex: `${SECRETS[2]}-${i}`,
          accessTokenExpiresAt: at(60 * 24 * 30),
          refreshTokenCiphertext: `${SECRETS[1]}-${i}`,
          tokenKeyVersion: 1,
          createdAt: at(minute),
          updatedAt: at(minute),
        })
        .returning({ id: agreements.id });
      ids.agreements.push(row!.id);
    }
    const first = ids.agreements[0]!;
    await db.insert(agreementEvents).values([
      { agreementId: first, type: 'apply_token', detail: { source: 'redirect', outcome: 'success', resultCode: 'SUCCESS' }, createdAt: at(10.2) },
      { agreementId: first, type: 'consult', detail: { outcome: 'success', resultCode: 'SUCCESS', terminalType: 'WEB', osType: null }, createdAt: at(10) },
      { agreementId: first, type: 'returned', detail: { withCode: true }, createdAt: at(10.1) },
    ]);
    await db.insert(authorizationLinks).values([
      { customerId: a, token: 'open-token-aaaaaaaaaaaaaaaa', status: 'OPEN', expiresAt: at(60), createdAt: at(20) },
      { customerId: a, token: 'used-token-bbbbbbbbbbbbbbbb', status: 'USED', expiresAt: at(60), usedAt: at(25), createdAt: at(21) },
      { customerId: a, token: 'revoked-token-cccccccccccccc', status: 'REVOKED', expiresAt: at(60), revokedAt: at(26), createdAt: at(22) },
      { customerId: b, token: 'other-customer-dddddddddddd', status: 'OPEN', expiresAt: at(60), createdAt: at(23) },
    ]);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('lists customers newest first, id breaking timestamp ties, across pages with no gaps or repeats', async () => {
    const pages = await collectAll((after) => listCustomers(database.db, { after, limit: 2 }));
    expect(pages.map((p) => p.map((c) => c.reference))).toEqual([
      ['cust-6', 'cust-5'],
      ['cust-2', 'cust-4'],
      ['cust-3', 'cust-1'],
      ['cust-0'],
    ]);
    const single = await listCustomers(database.db, { limit: 10 });
    expect(single.items.map((c) => c.reference)).toEqual(CUSTOMERS_NEWEST_FIRST);
    expect(single.nextCursor).toBeNull();
  });

  it('treats a malformed cursor as the first page', async () => {
    const page = await listCustomers(database.db, { after: "x' or 1=1 --", limit: 3 });
    expect(page.items.map((c) => c.reference)).toEqual(['cust-6', 'cust-5', 'cust-2']);
  });

  it('gets one customer, and null for an unknown or malformed id', async () => {
    const customer = await getCustomer(database.db, ids.customers[0]!);
    expect(customer).toMatchObject({ reference: 'cust-0', name: 'Customer 0', country: 'PH' });
    expect(await getCustomer(database.db, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await getCustomer(database.db, 'not-a-uuid')).toBeNull();
  });

  it("lists a customer's links newest first and shows the token only while the link is open", async () => {
    const links = await listAuthorizationLinks(database.db, { role: 'operator' }, ids.customers[0]!);
    expect(links.map((l) => l.status)).toEqual(['REVOKED', 'USED', 'OPEN']);
    expect(links.map((l) => l.token)).toEqual([null, null, 'open-token-aaaaaaaaaaaaaaaa']);
    expect((await listAuthorizationLinks(database.db, { role: 'admin' }, ids.customers[0]!)).map((l) => l.token)).toEqual([null, null, 'open-token-aaaaaaaaaaaaaaaa']);
    expect(links[0]!.revokedAt).toEqual(at(26));
    expect(links[1]!.usedAt).toEqual(at(25));
  });

  it('never gives a viewer the token of an open link (a bearer credential), only its status and dates', async () => {
    const links = await listAuthorizationLinks(database.db, { role: 'viewer' }, ids.customers[0]!);
    expect(links.map((l) => l.status)).toEqual(['REVOKED', 'USED', 'OPEN']);
    expect(links.map((l) => l.token)).toEqual([null, null, null]);
    expect(JSON.stringify(links)).not.toContain('open-token-aaaaaaaaaaaaaaaa');
  });

  it('filters agreements by status and customer, with their customer, newest first', async () => {
    const active = await listAgreements(database.db, { status: 'ACTIVE' });
    expect(active.items).toHaveLength(3);
    expect(active.items.every((a) => a.status === 'ACTIVE')).toBe(true);
    expect(active.items[0]).toMatchObject({ customerReference: 'cust-1', customerName: 'Customer 1' });
    const ofA = await listAgreements(database.db, { customerId: ids.customers[0] });
    expect(ofA.items.map((a) => a.status)).toEqual(['REVOKED', 'ACTIVE', 'ACTIVE']);
    const both = await listAgreements(database.db, { customerId: ids.customers[1], status: 'PENDING' });
    expect(both.items).toHaveLength(1);
    expect(await listAgreements(database.db, { customerId: 'nope' })).toEqual({ items: [], nextCursor: null });
    expect((await listAgreements(database.db, { status: 'EXPIRED' })).items).toEqual([]);
  });

  it('paginates agreements by (createdAt, id), keeping the filter on every page', async () => {
    const all = (await collectAll((after) => listAgreements(database.db, { after, limit: 2 }))).flat();
    expect(all).toHaveLength(6);
    expect(new Set(all.map((a) => a.id))).toEqual(new Set(ids.agreements));
    const activePages = await collectAll((after) => listAgreements(database.db, { status: 'ACTIVE', after, limit: 2 }));
    expect(activePages.map((p) => p.length)).toEqual([2, 1]);
    expect(activePages.flat().every((a) => a.status === 'ACTIVE')).toBe(true);
  });

  it('returns an agreement with its customer and its events in time order', async () => {
    const detail = await getAgreementDetail(database.db, ids.agreements[0]!);
    expect(detail?.customer).toMatchObject({ reference: 'cust-0', name: 'Customer 0' });
    expect(detail?.agreement).toMatchObject({ status: 'ACTIVE', paymentMethod: 'KAKAOPAY', terminalType: 'WEB' });
    expect(detail?.events.map((e) => e.type)).toEqual(['consult', 'returned', 'apply_token']);
    expect(detail?.events[2]?.detail).toEqual({ source: 'redirect', outcome: 'success', resultCode: 'SUCCESS' });
    expect(await getAgreementDetail(database.db, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await getAgreementDetail(database.db, '../etc')).toBeNull();
  });

  it('never returns token ciphertexts, key versions or blind indexes', async () => {
    const results = [
      await listAgreements(database.db, { limit: 100 }),
      ...(await Promise.all(ids.agreements.map((id) => getAgreementDetail(database.db, id)))),
      await listCustomers(database.db, { limit: 100 }),
      ...(await Promise.all(ids.customers.map((id) => listAuthorizationLinks(database.db, { role: 'admin' }, id)))),
    ];
    const text = JSON.stringify(results);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    for (const column of ['accessTokenCiphertext', 'refreshTokenCiphertext', 'accessTokenIndex', 'authStateIndex', 'buyerBindingIndex', 'authCodeIndex', 'tokenKeyVersion']) {
      expect(text).not.toContain(`"${column}"`);
    }
  });
});
