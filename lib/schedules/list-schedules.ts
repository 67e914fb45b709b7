import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { isUuid } from '@/lib/db/is-uuid';
import { agreements, billingSchedules, customers, scheduleEvents, scheduleStatus, schedulePeriods, chargeIntents, type BillingSchedule, type ScheduleEvent, type SchedulePeriod, type ScheduleStatus } from '@/lib/db/schema';
import { keyset } from '@/lib/lists/keyset';
import type { ListFilters } from '@/lib/lists/parse-list-filters';

export const SCHEDULE_STATUSES: readonly ScheduleStatus[] = scheduleStatus.enumValues;

export interface ScheduleListItem {
  id: string;
  status: ScheduleStatus;
  statusReason: string | null;
  amountMinor: bigint;
  currency: string;
  description: string;
  intervalUnit: string;
  intervalCount: number;
  anchorDay: number | null;
  timeZone: string;
  nextDueAt: Date | null;
  agreementId: string;
  paymentMethod: string;
  customerId: string;
  customerName: string;
  customerReference: string;
  createdAt: Date;
}

function conditions(filters: ListFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.status) where.push(eq(billingSchedules.status, filters.status as ScheduleStatus));
  if (filters.q) {
    const q = filters.q;
    where.push(isUuid(q) ? sql`(${billingSchedules.id} = ${q.toLowerCase()}::uuid or ${billingSchedules.agreementId} = ${q.toLowerCase()}::uuid)` : eq(customers.reference, q));
  }
  return where;
}

/**
 * Schedules filtered by status (and an exact id / customer reference), keyset-paginated on (createdAt, id). Pages
 * hold at most 100 rows; the CSV export reads bigger batches (`maxLimit`).
 */
export async function querySchedules(db: Db, filters: ListFilters, limit: number, options: { maxLimit?: number } = {}): Promise<{ items: ScheduleListItem[]; nextCursor: string | null }> {
  const size = Math.min(Math.max(limit, 1), options.maxLimit ?? 100);
  const page = keyset({ sort: filters.sort === 'oldest' ? 'oldest' : 'newest', createdAt: billingSchedules.createdAt, id: billingSchedules.id, table: 'billing_schedules', after: filters.after });
  const where = conditions(filters);
  if (page.where) where.push(page.where);
  const rows = await db
    .select({
      id: billingSchedules.id,
      status: billingSchedules.status,
      statusReason: billingSchedules.statusReason,
      amountMinor: billingSchedules.amountMinor,
      currency: billingSchedules.currency,
      description: billingSchedules.description,
      intervalUnit: billingSchedules.intervalUnit,
      intervalCount: billingSchedules.intervalCount,
      anchorDay: billingSchedules.anchorDay,
      timeZone: billingSchedules.timeZone,
      nextDueAt: billingSchedules.nextDueAt,
      agreementId: billingSchedules.agreementId,
      paymentMethod: agreements.paymentMethod,
      customerId: billingSchedules.customerId,
      customerName: customers.name,
      customerReference: customers.reference,
      createdAt: billingSchedules.createdAt,
    })
    .from(billingSchedules)
    .innerJoin(customers, eq(customers.id, billingSchedules.customerId))
    .innerJoin(agreements, eq(agreements.id, billingSchedules.agreementId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(...page.orderBy)
    .limit(size + 1);
  const items = rows.slice(0, size);
  return { items, nextCursor: rows.length > size ? items[items.length - 1]!.id : null };
}

/** How many schedules the filters match (the export page says it before the download). */
export async function countSchedules(db: Db, filters: ListFilters): Promise<number> {
  const where = conditions(filters);
  const [row] = await db
    .select({ n: sql<string>`count(*)` })
    .from(billingSchedules)
    .innerJoin(customers, eq(customers.id, billingSchedules.customerId))
    .where(where.length ? and(...where) : undefined);
  return Number(row?.n ?? 0);
}

export interface ScheduleDetail {
  schedule: BillingSchedule;
  customer: { id: string; name: string; reference: string };
  paymentMethod: string;
  agreementStatus: string;
  periods: (SchedulePeriod & { intentBusinessKey: string | null })[];
  events: ScheduleEvent[];
}

/** One schedule with its periods (newest first) and its timeline (in order). */
export async function getScheduleDetail(db: Db, id: string): Promise<ScheduleDetail | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select({ schedule: billingSchedules, customerId: customers.id, customerName: customers.name, customerReference: customers.reference, paymentMethod: agreements.paymentMethod, agreementStatus: agreements.status })
    .from(billingSchedules)
    .innerJoin(customers, eq(customers.id, billingSchedules.customerId))
    .innerJoin(agreements, eq(agreements.id, billingSchedules.agreementId))
    .where(eq(billingSchedules.id, id));
  if (!row) return null;
  const periods = await db
    .select({ period: schedulePeriods, intentBusinessKey: chargeIntents.businessKey })
    .from(schedulePeriods)
    .leftJoin(chargeIntents, eq(chargeIntents.id, schedulePeriods.intentId))
    .where(eq(schedulePeriods.scheduleId, id))
    .orderBy(desc(schedulePeriods.periodNumber))
    .limit(100);
  const events = await db.select().from(scheduleEvents).where(eq(scheduleEvents.scheduleId, id)).orderBy(asc(scheduleEvents.seq)).limit(500);
  return {
    schedule: row.schedule,
    customer: { id: row.customerId, name: row.customerName, reference: row.customerReference },
    paymentMethod: row.paymentMethod,
    agreementStatus: row.agreementStatus,
    periods: periods.map((p) => ({ ...p.period, intentBusinessKey: p.intentBusinessKey })),
    events,
  };
}

/** The schedules of one agreement (its page). */
export async function listAgreementSchedules(db: Db, agreementId: string): Promise<BillingSchedule[]> {
  if (!isUuid(agreementId)) return [];
  return db.select().from(billingSchedules).where(eq(billingSchedules.agreementId, agreementId)).orderBy(desc(billingSchedules.createdAt)).limit(50);
}
