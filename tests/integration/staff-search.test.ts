import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { agreements, customers, payments, staffUsers } from '@/lib/db/schema';
import { parseAmountQuery, searchStaff } from '@/lib/search/search-staff';
import { foldForSearch } from '@/lib/text/search-fold';
import { seedDemoData } from '../../scripts/demo/demo-data';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
const NOW = new Date('2026-12-01T12:00:00Z');
const marked = (r: { text: string; highlight: [number, number] | null }) => (r.highlight ? r.text.slice(...r.highlight) : null);

describe(`search by what staff remember (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const [staff] = await database.db.insert(staffUsers).values({ email: 'admin@search.test', name: 'Admin', passwordHash: 'x', role: 'admin' }).returning({ id: staffUsers.id });
    await seedDemoData(database.db, { userId: staff!.id, email: 'admin@search.test', role: 'admin', ip: null, userAgent: 'test' }, NOW);
    await database.db.insert(customers).values({ reference: 'search-accents', name: 'José María Núñez', email: 'jm.nunez@example.ph', phone: '+639171234567' });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it('the database folds the search column exactly as the query is folded', async () => {
    const rows = await database.db.select({ name: customers.name, email: customers.email, phone: customers.phone, reference: customers.reference, searchText: customers.searchText }).from(customers);
    for (const r of rows) expect(r.searchText).toBe(foldForSearch(`${r.name} ${r.email ?? ''} ${r.phone ?? ''} ${r.reference}`));
  });

  it('finds customers by any part of the name, case- and accent-insensitive, CJK and Thai included, with the match marked', async () => {
    const santos = (await searchStaff(database.db, 'santos')).filter((r) => r.kind === 'customer');
    expect(santos.map((r) => r.text)).toEqual(expect.arrayContaining(['Maria Santos', 'Budi Santoso']));
    expect(santos.every((r) => marked(r)?.toLowerCase() === 'santos')).toBe(true);
    const maria = (await searchStaff(database.db, 'MARIA')).filter((r) => r.kind === 'customer');
    expect(maria.map((r) => r.text)).toEqual(expect.arrayContaining(['Maria Santos', 'José María Núñez']));
    expect(maria.find((r) => r.text === 'José María Núñez')!.highlight).toEqual([5, 10]);
    expect((await searchStaff(database.db, 'nunez')).map((r) => r.text)).toContain('José María Núñez');
    const wang = (await searchStaff(database.db, '王')).filter((r) => r.kind === 'customer');
    expect(wang.map((r) => r.text)).toContain('王芳');
    expect(wang.every((r) => r.text.startsWith('王') && marked(r) === '王')).toBe(true);
    const som = (await searchStaff(database.db, 'สม')).filter((r) => r.kind === 'customer');
    expect(som.map((r) => r.text)).toContain('สมชาย ใจดี');
    expect(som.every((r) => marked(r) === 'สม')).toBe(true);
  });

  it('finds by the start of an email or phone, and by the start of a masked wallet login', async () => {
    const email = await searchStaff(database.db, 'jm.nu');
    expect(email).toHaveLength(1);
    expect(email[0]).toMatchObject({ kind: 'customer', matched: 'email' });
    expect(marked(email[0]!)).toBe('jm.nu');
    expect((await searchStaff(database.db, '+6391712')).map((r) => r.matched)).toEqual(['phone']);
    const [withLogin] = await database.db.select({ id: agreements.id, login: agreements.userLoginIdMasked }).from(agreements).where(sql`${agreements.userLoginIdMasked} is not null`).limit(1);
    const prefix = withLogin!.login!.slice(0, 4);
    const logins = (await searchStaff(database.db, prefix)).filter((r) => r.kind === 'agreement');
    expect(logins.map((r) => r.id)).toContain(withLogin!.id);
    expect(logins.every((r) => r.text.startsWith(prefix))).toBe(true);
  });

  it('finds payments by amount with currency, newest first', async () => {
    expect(parseAmountQuery('125.50 PHP')).toEqual({ currency: 'PHP', minor: 12550n });
    expect(parseAmountQuery('php 1,250')).toEqual({ currency: 'PHP', minor: 125000n });
    expect(parseAmountQuery('125.505 PHP')).toBeNull();
    expect(parseAmountQuery('125 XYZ')).toBeNull();
    const [p] = await database.db.select({ id: payments.id, amountMinor: payments.amountMinor, currency: payments.currency }).from(payments).where(eq(payments.currency, 'PHP')).limit(1);
    const major = `${p!.amountMinor / 100n}.${String(p!.amountMinor % 100n).padStart(2, '0')}`;
    const hits = (await searchStaff(database.db, `${major} PHP`)).filter((r) => r.kind === 'payment');
    expect(hits.map((r) => r.id)).toContain(p!.id);
    expect(hits.every((r) => r.matched === 'amount')).toBe(true);
  });

  it('still finds every id exactly, and refuses control characters and LIKE wildcards as wildcards', async () => {
    const [p] = await database.db.select({ id: payments.id, paymentRequestId: payments.paymentRequestId }).from(payments).limit(1);
    const hits = await searchStaff(database.db, p!.paymentRequestId);
    expect(hits[0]).toMatchObject({ kind: 'payment', id: p!.id, matched: 'paymentRequestId' });
    expect(await searchStaff(database.db, 'maria\u0000')).toEqual([]);
    expect(await searchStaff(database.db, '%')).toEqual([]);
    expect(await searchStaff(database.db, '_')).toEqual([]);
  });
});
