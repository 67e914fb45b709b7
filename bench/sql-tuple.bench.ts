/**
 * Building the hot path's hand-written SQL from the table definitions (columnTuple: lib/db/column-tuple.ts)
 * against the same statement typed as a template literal (the baseline: how it was written before), both
 * rendered to text and parameters by drizzle (what every execution pays before the database). One run,
 * interleaved rounds, the median ratio printed; target ≤ 1.25× the baseline. Bounded to a few seconds.
 */
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { auditValues } from '../lib/audit/record-audit';
import { jsonText } from '../lib/db/json-text';
import { paymentEventValues, type PaymentEventInput } from '../lib/payments/payment-events';

const dialect = new PgDialect();
const actor = { userId: '7c0e1b52-7d4c-4a0e-9d55-2a8b3f1c0a11', email: 'ana@example.com', role: 'admin' as const, ip: '10.0.0.1', userAgent: 'Mozilla/5.0' };
const audit = { action: 'payment.charge', objectType: 'payment', objectId: '5b7c1d1e-0000-4000-8000-000000000001', at: new Date(), after: { amountMinor: 1250n, currency: 'PHP' } };
const events: PaymentEventInput[] = [
  { paymentId: '5b7c1d1e-0000-4000-8000-000000000001', type: 'payment_created', cause: 'staff', at: new Date() },
  { paymentId: '5b7c1d1e-0000-4000-8000-000000000001', type: 'pay_sent', cause: 'staff', detail: { attempt: 1 }, at: new Date() },
];

// The baseline: the same tuples as template literals (the text before columnTuple).
function handAudit(): SQL {
  return sql`(coalesce(${audit.at.toISOString()}::timestamptz, now()), ${actor.userId}::uuid, ${actor.email}, ${actor.role}, ${audit.action}, ${audit.objectType},
    ${audit.objectId}, ${jsonText(undefined)}::jsonb, ${jsonText(audit.after)}::jsonb, ${actor.ip}, ${actor.userAgent})`;
}
function handEvents(): SQL {
  return sql.join(
    events.map(
      (e) =>
        sql`(${e.paymentId}::uuid, ${e.refundId ?? null}::uuid, ${e.type}, ${e.cause}, ${e.detail ? jsonText(e.detail) : null}::jsonb, coalesce(${e.at ? e.at.toISOString() : null}::timestamptz, now()))`,
    ),
    sql`, `,
  );
}

const hand = () => dialect.sqlToQuery(sql`insert into audit_log values ${handAudit()}; insert into payment_events values ${handEvents()}`);
const fromSchema = () => dialect.sqlToQuery(sql`insert into audit_log values ${auditValues(actor, audit)}; insert into payment_events values ${paymentEventValues(events)}`);

function nsPerOp(f: () => unknown, n: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - started) / n;
}

const N = 20_000;
for (let i = 0; i < 5_000; i++) {
  hand();
  fromSchema();
}
const ratios: number[] = [];
let last = { hand: 0, schema: 0 };
for (let round = 0; round < 9; round++) {
  last = { hand: nsPerOp(hand, N), schema: nsPerOp(fromSchema, N) };
  ratios.push(last.schema / last.hand);
}
ratios.sort((a, b) => a - b);
const median = ratios[Math.floor(ratios.length / 2)]!;
console.log(`template literal (baseline): ${(last.hand / 1000).toFixed(1)} µs per charge's audit + 2 timeline rows`);
console.log(`columnTuple:                 ${(last.schema / 1000).toFixed(1)} µs`);
console.log(`ratio (median of 9 rounds):  ${median.toFixed(2)}× the baseline (target ≤ 1.25×)`);
if (median > 1.25) process.exitCode = 1;
