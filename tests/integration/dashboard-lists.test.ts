import { and, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAgreements } from '@/lib/agreements/list-agreements';
import { listAudit, parseAuditFilters } from '@/lib/audit/list-audit';
import { ForbiddenError } from '@/lib/auth/permissions';
import type { Database } from '@/lib/db/client';
import { customers, payments, refunds, staffUsers } from '@/lib/db/schema';
import { countExportRows, exportListCsv } from '@/lib/export/export-list-csv';
import { EMPTY_FILTERS, parseListFilters, type ListFilters } from '@/lib/lists/parse-list-filters';
import { getOverview } from '@/lib/overview/get-overview';
import { queryPayments } from '@/lib/payments/list-payments';
import { queryRefunds } from '@/lib/refunds/list-refunds';
import { searchById } from '@/lib/search/search-by-id';
import { dayKey, DEFAULT_TIME_ZONE } from '@/lib/time/zone';
import { seedDemoData, type DemoSummary } from '../../scripts/demo/demo-data';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
let demo: DemoSummary;
let staffId: string;
const NOW = new Date('2026-12-01T12:00:00Z');
const admin = () => ({ userId: staffId, email: 'admin@lists.test', role: 'admin' as const, ip: null, userAgent: 'test' });

function filters(query: Record<string, string>): ListFilters {
  const parsed = parseListFilters(query, { statuses: ['SUCCEEDED', 'FAILED', 'UNKNOWN', 'PROCESSING', 'CANCELLED', 'PENDING', 'ACTIVE', 'REVOKED'] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.filters;
}

async function allPages<T extends { id: string }>(fetch: (after: string | null) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const rows: T[] = [];
  let after: string | null = null;
  for (let i = 0; i < 200; i++) {
    const page = await fetch(after);
    rows.push(...page.items);
    if (!page.nextCursor) return rows;
    after = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe(`dashboard lists, search, export, overview, audit (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const [staff] = await database.db.insert(staffUsers).values({ email: 'admin@lists.test', name: 'Admin', passwordHash: 'x', role: 'admin' }).returning({ id: staffUsers.id });
    staffId = staff!.id;
    demo = (await seedDemoData(database.db, admin(), NOW))!;
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it('seeds a realistic few hundred objects once (a second run adds nothing)', async () => {
    expect(demo.payments).toBeGreaterThan(250);
    expect(demo.refunds).toBeGreaterThan(20);
    expect(demo.agreements).toBeGreaterThan(40);
    expect(await seedDemoData(database.db, admin(), NOW)).toBeNull();
    const statuses = await database.db.selectDistinct({ s: payments.status }).from(payments);
    expect(statuses.map((s) => s.s).sort()).toEqual(['CANCELLED', 'FAILED', 'PROCESSING', 'SUCCEEDED', 'UNKNOWN']);
  });

  it('walks every filtered payment exactly once through keyset pages, in the order an OFFSET query gives', async () => {
    const f = filters({ status: 'SUCCEEDED', wallet: 'GCASH' });
    const walked = await allPages((after) => queryPayments(database.db, { ...f, after }, 7));
    const [{ n }] = (await database.db.select({ n: count() }).from(payments).where(and(eq(payments.status, 'SUCCEEDED'), eq(payments.paymentMethod, 'GCASH')))) as [{ n: number }];
    expect(walked.length).toBe(Number(n));
    expect(new Set(walked.map((p) => p.id)).size).toBe(walked.length);
    expect(walked.every((p) => p.status === 'SUCCEEDED' && p.paymentMethod === 'GCASH')).toBe(true);
    const byOffset = await database.db
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.status, 'SUCCEEDED'), eq(payments.paymentMethod, 'GCASH')))
      .orderBy(sql`${payments.createdAt} desc, ${payments.id} desc`);
    expect(walked.map((p) => p.id)).toEqual(byOffset.map((p) => p.id));
  });

  it('sorts by amount both ways and keeps amount, currency and date filters inclusive', async () => {
    const desc = await allPages((after) => queryPayments(database.db, { ...filters({ currency: 'PHP', sort: 'amount_desc' }), after }, 25));
    for (let i = 1; i < desc.length; i++) expect(desc[i - 1]!.amountMinor >= desc[i]!.amountMinor).toBe(true);
    const asc = await allPages((after) => queryPayments(database.db, { ...filters({ currency: 'PHP', sort: 'amount_asc' }), after }, 25));
    expect(asc.map((p) => p.id)).toEqual([...desc].reverse().map((p) => p.id));

    const pivot = desc[Math.floor(desc.length / 2)]!;
    const major = (pivot.amountMinor / 100n).toString() + '.' + (pivot.amountMinor % 100n).toString().padStart(2, '0');
    const exact = await queryPayments(database.db, filters({ currency: 'PHP', min: major, max: major }), 100);
    expect(exact.items.map((p) => p.id)).toContain(pivot.id);
    expect(exact.items.every((p) => p.amountMinor === pivot.amountMinor)).toBe(true);

    // Days are the viewer's zone (default Antom's GMT+8, Asia/Shanghai).
    const day = dayKey(pivot.createdAt, DEFAULT_TIME_ZONE);
    const sameDay = await allPages((after) => queryPayments(database.db, { ...filters({ from: day, to: day }), after }, 50));
    expect(sameDay.map((p) => p.id)).toContain(pivot.id);
    expect(sameDay.every((p) => dayKey(p.createdAt, DEFAULT_TIME_ZONE) === day)).toBe(true);
  });

  it('filters by initiating staff and finds a payment by any of its ids', async () => {
    const byStaff = await queryPayments(database.db, filters({ staff: staffId }), 100);
    expect(byStaff.items.length).toBeGreaterThan(0);
    expect(byStaff.items.every((p) => p.initiatedByEmail === 'admin@lists.test')).toBe(true);
    const [one] = await database.db.select().from(payments).where(eq(payments.paymentRequestId, demo.samples.paymentRequestId));
    for (const q of [one!.paymentRequestId, one!.referenceOrderId, one!.id, one!.paymentId].filter(Boolean) as string[]) {
      const page = await queryPayments(database.db, filters({ q }), 25);
      expect(page.items.map((p) => p.id)).toEqual([one!.id]);
    }
  });

  it('a deleted cursor row yields an empty page, never the whole list again', async () => {
    const page = await queryPayments(database.db, { ...EMPTY_FILTERS, after: '00000000-0000-4000-8000-000000000000' }, 25);
    expect(page.items).toEqual([]);
  });

  it('lists refunds by status and the payment wallet, and agreements by masked login', async () => {
    const succeeded = await allPages((after) => queryRefunds(database.db, { ...filters({ status: 'SUCCEEDED' }), after }, 10));
    expect(succeeded.length).toBeGreaterThan(0);
    expect(succeeded.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    const gcash = await queryRefunds(database.db, filters({ wallet: 'GCASH' }), 100);
    expect(gcash.items.every((r) => r.paymentMethod === 'GCASH')).toBe(true);
    const byLogin = await queryAgreements(database.db, filters({ q: demo.samples.loginMasked }), 25);
    expect(byLogin.items.length).toBeGreaterThan(0);
    expect(byLogin.items.every((a) => a.userLoginIdMasked === demo.samples.loginMasked)).toBe(true);
  });

  it('header search routes each kind of id to its object', async () => {
    expect((await searchById(database.db, demo.samples.paymentRequestId)).map((h) => [h.kind, h.matched])).toEqual([['payment', 'paymentRequestId']]);
    expect((await searchById(database.db, demo.samples.refundRequestId)).map((h) => [h.kind, h.matched])).toEqual([['refund', 'refundRequestId']]);
    const customer = await searchById(database.db, demo.samples.customerReference);
    expect(customer).toHaveLength(1);
    expect(customer[0]!.href).toMatch(/^\/dashboard\/customers\/[0-9a-f-]{36}$/);
    expect((await searchById(database.db, demo.samples.loginMasked)).every((h) => h.kind === 'agreement')).toBe(true);
    expect(await searchById(database.db, 'no-such-id')).toEqual([]);
    expect(await searchById(database.db, "' or 1=1 --")).toEqual([]);
    // A NUL (?q=%00) used to reach PostgreSQL, which refuses the whole query: a 500 on the search page.
    expect(await searchById(database.db, '\u0000')).toEqual([]);
    expect(await searchById(database.db, `${demo.samples.paymentRequestId}\u0000`)).toEqual([]);
  });

  it('exports every filtered row as CSV in batches, amounts in minor units and formatted, formulas defused', async () => {
    const f = filters({ status: 'SUCCEEDED' });
    const total = await countExportRows(database.db, admin(), 'payments', f);
    const csv = await readAll(exportListCsv(database.db, admin(), 'payments', f));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]!.replace('\uFEFF', '').split(',').slice(0, 8)).toEqual(['id', 'created_at', 'status', 'wallet', 'currency', 'amount_minor', 'amount', 'amount_formatted']);
    expect(lines.length - 1).toBe(total);
    const [row] = await database.db.select().from(payments).where(eq(payments.paymentRequestId, demo.samples.paymentRequestId));
    if (row!.status === 'SUCCEEDED') {
      const line = lines.find((l) => l.startsWith(row!.id))!;
      expect(line).toContain(`,${row!.amountMinor.toString()},`);
    }
    // A customer name typed as a formula must not run in a spreadsheet.
    await database.db.update(customers).set({ name: '=HYPERLINK("http://evil")' }).where(eq(customers.reference, demo.samples.customerReference));
    const customersCsv = await readAll(exportListCsv(database.db, admin(), 'customers', filters({ q: demo.samples.customerReference })));
    expect(customersCsv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('the export and the audit log refuse roles without the permission, even when called directly', async () => {
    expect(() => exportListCsv(database.db, { role: 'nobody' as never }, 'payments', EMPTY_FILTERS)).toThrow(ForbiddenError);
    await expect(listAudit(database.db, { role: 'operator' }, parseAuditFilters({}).filters)).rejects.toThrow(ForbiddenError);
    await expect(listAudit(database.db, { role: 'viewer' }, parseAuditFilters({}).filters)).rejects.toThrow(ForbiddenError);
    const page = await listAudit(database.db, { role: 'admin' }, parseAuditFilters({ action: 'refund.' }).filters, 10);
    expect(page.items.length).toBe(10);
    expect(page.items.every((e) => e.action === 'refund.create')).toBe(true);
    const next = await listAudit(database.db, { role: 'admin' }, { ...parseAuditFilters({ action: 'refund.' }).filters, after: BigInt(page.nextCursor!) }, 10);
    expect(next.items.some((e) => page.items.some((p) => p.id === e.id))).toBe(false);
    expect(parseAuditFilters({ actor: 'not-an-email', from: '2026-02-31' }).issues.map((i) => i.field)).toEqual(['actor', 'from']);
  });

  it('the overview adds up: volume is only succeeded payments, per currency, and attention counts match the lists', async () => {
    const o = await getOverview(database.db, '30d', NOW);
    const [{ sum }] = (await database.db
      .select({ sum: sql<string>`coalesce(sum(${payments.amountMinor}), 0)::text` })
      .from(payments)
      .where(and(eq(payments.status, 'SUCCEEDED'), eq(payments.currency, 'PHP'), gte(payments.createdAt, o.since)))) as [{ sum: string }];
    expect(o.daily.filter((d) => d.currency === 'PHP').reduce((s, d) => s + d.volumeMinor, 0n)).toBe(BigInt(sum));
    const unknown = await queryPayments(database.db, filters({ status: 'UNKNOWN' }), 100);
    expect(o.attention.unknownPayments).toBe(unknown.items.length);
    const [{ n: unknownRefunds }] = (await database.db.select({ n: count() }).from(refunds).where(eq(refunds.status, 'UNKNOWN'))) as [{ n: number }];
    expect(o.attention.unknownRefunds).toBe(Number(unknownRefunds));
    const dayBefore = new Date(NOW.getTime() - 86_400_000);
    const [{ n: staleRefunds }] = (await database.db
      .select({ n: count() })
      .from(refunds)
      .where(and(inArray(refunds.status, ['PENDING', 'UNKNOWN']), lt(refunds.createdAt, dayBefore)))) as [{ n: number }];
    expect(o.attention.staleRefunds).toBe(Number(staleRefunds));
    expect(o.wallets.every((w) => w.final === w.succeeded + w.failed)).toBe(true);
    expect(o.failureReasons.length).toBeGreaterThan(0);
  });
});
