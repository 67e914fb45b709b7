import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db/client';
import { payments, staffSessions, staffUsers } from '@/lib/db/schema';
import { exportListCsv } from '@/lib/export/export-list-csv';
import { parseListFilters } from '@/lib/lists/parse-list-filters';
import { getOverview } from '@/lib/overview/get-overview';
import { queryPayments } from '@/lib/payments/list-payments';
import { resolveStaffSession } from '@/lib/staff/validate-staff-session';
import { getZoneSettings } from '@/lib/time/get-zone-settings';
import { setMerchantTimeZone, setOwnTimeZone } from '@/lib/time/update-time-zone';
import { seedDemoData } from '../../scripts/demo/demo-data';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let database: Database;
let adminId: string;
let seoulId: string;
let paymentId: string;
const NOW = new Date('2026-12-01T12:00:00Z');
// 07:30 on 1 December in Manila is 23:30 on 30 November in UTC.
const MANILA_0730 = new Date('2026-11-30T23:30:00Z');
const actor = (userId: string, role: 'admin' | 'viewer' = 'admin') => ({ userId, email: `${role}@tz.test`, name: role, role, sessionId: 's', ip: null, userAgent: 'test' });

function filters(query: Record<string, string>, zone: string) {
  const parsed = parseListFilters(query, { statuses: ['SUCCEEDED'], zone });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.filters;
}

describe(`the merchant's day (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const rows = await database.db
      .insert(staffUsers)
      .values([
        { email: 'admin@tz.test', name: 'Admin', passwordHash: 'x', role: 'admin' },
        { email: 'seoul@tz.test', name: 'Seoul', passwordHash: 'x', role: 'viewer' },
      ])
      .returning({ id: staffUsers.id });
    adminId = rows[0]!.id;
    seoulId = rows[1]!.id;
    await seedDemoData(database.db, actor(adminId), NOW);
    // One succeeded payment moved to 07:30 Manila; nothing else in that UTC hour.
    const [p] = await database.db.select({ id: payments.id }).from(payments).where(eq(payments.status, 'SUCCEEDED')).limit(1);
    paymentId = p!.id;
    await database.db.execute(sql`update payments set created_at = created_at - interval '400 days' where id <> ${paymentId}::uuid and created_at >= ${'2026-11-29T00:00:00Z'}::timestamptz and created_at < ${'2026-12-02T00:00:00Z'}::timestamptz`);
    await database.db.update(payments).set({ createdAt: MANILA_0730 }).where(eq(payments.id, paymentId));
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it('defaults to GMT+8 (Asia/Shanghai); an admin moves the merchant to Manila; a Seoul user keeps KST', async () => {
    expect(await getZoneSettings(database.db, adminId)).toEqual({ zone: 'Asia/Shanghai', merchantZone: 'Asia/Shanghai', userZone: null });
    expect((await setMerchantTimeZone(database.db, actor(adminId), 'Asia/Manila')).ok).toBe(true);
    expect((await setOwnTimeZone(database.db, actor(seoulId, 'viewer'), 'Asia/Seoul')).ok).toBe(true);
    expect((await getZoneSettings(database.db, adminId)).zone).toBe('Asia/Manila');
    expect(await getZoneSettings(database.db, seoulId)).toEqual({ zone: 'Asia/Seoul', merchantZone: 'Asia/Manila', userZone: 'Asia/Seoul' });
    // Pages take the viewer's zone from the session's own row (no query of its own): the same answer.
    const [s] = await database.db.insert(staffSessions).values({ id: 'tz-session', userId: seoulId, expiresAt: new Date(Date.now() + 3_600_000) }).returning({ id: staffSessions.id });
    expect((await resolveStaffSession(database.db, s!.id, { ip: null, userAgent: 'test' }))?.zone).toEqual(await getZoneSettings(database.db, seoulId));
    expect((await setOwnTimeZone(database.db, actor(seoulId, 'viewer'), 'Mars/Base')).ok).toBe(false);
    await expect(setMerchantTimeZone(database.db, actor(seoulId, 'viewer'), 'UTC')).rejects.toThrow();
  });

  it('a payment at 07:30 in Manila is on that Manila day in the Overview; in UTC it was on the day before', async () => {
    const manila = await getOverview(database.db, '7d', NOW, 'Asia/Manila');
    const utc = await getOverview(database.db, '7d', NOW, 'UTC');
    const sum = (o: typeof manila, day: string) => o.daily.filter((d) => d.day === day).reduce((n, d) => n + d.total, 0);
    expect(manila.zone).toBe('Asia/Manila');
    expect(sum(manila, '2026-12-01')).toBe(1);
    expect(sum(manila, '2026-11-30')).toBe(0);
    expect(sum(utc, '2026-11-30')).toBe(1);
    expect(sum(utc, '2026-12-01')).toBe(0);
    expect(manila.since.toISOString()).toBe('2026-11-24T16:00:00.000Z');
  });

  it('the list filter for that Manila day finds it, the UTC filter for the same day does not', async () => {
    const inManila = await queryPayments(database.db, filters({ from: '2026-12-01', to: '2026-12-01' }, 'Asia/Manila'), 50);
    expect(inManila.items.map((p) => p.id)).toEqual([paymentId]);
    const inUtc = await queryPayments(database.db, filters({ from: '2026-12-01', to: '2026-12-01' }, 'UTC'), 50);
    expect(inUtc.items.map((p) => p.id)).not.toContain(paymentId);
  });

  it('the export carries ISO 8601 with the zone offset', async () => {
    const csv = await new Response(exportListCsv(database.db, actor(adminId), 'payments', filters({ from: '2026-12-01', to: '2026-12-01' }, 'Asia/Manila'))).text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${paymentId},2026-12-01T07:30:00+08:00,`);
    const seoul = await new Response(exportListCsv(database.db, actor(adminId), 'payments', filters({ from: '2026-12-01', to: '2026-12-01' }, 'Asia/Seoul'))).text();
    expect(seoul).toContain('2026-12-01T08:30:00+09:00');
  });
});
