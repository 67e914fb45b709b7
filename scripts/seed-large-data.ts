// The large data set behind `npm run db:seed-large` and bench/staff-search.bench.ts's PGlite run: 20,000 customers
// (named from a list of 20 real names — Maria Santos, 王芳, สมชาย ใจดี … — with emails and phones), 50,000 agreements,
// `payments` payments over the last 365 days (one charge intent each) and a refund for every 20th succeeded one.
// Plain SQL with generate_series, so it runs on PostgreSQL and PGlite alike. Rows are marked `large-`.
import type { Database } from '../lib/db/client';

const CUSTOMERS = 20_000;
const AGREEMENTS = 50_000;

// Ten slots: GCash four times (40 %), then six other wallets with their own currency.
const SLOTS: [string, string, string][] = [
  ['GCASH', 'PHP', 'PH'],
  ['GCASH', 'PHP', 'PH'],
  ['GCASH', 'PHP', 'PH'],
  ['GCASH', 'PHP', 'PH'],
  ['KAKAOPAY', 'KRW', 'KR'],
  ['ALIPAY_CN', 'CNY', 'CN'],
  ['TRUEMONEY', 'THB', 'TH'],
  ['DANA', 'IDR', 'ID'],
  ['TNG', 'MYR', 'MY'],
  ['ALIPAY_HK', 'HKD', 'HK'],
];
const arr = (i: number) => `array[${SLOTS.map((s) => `'${s[i]}'`).join(',')}]`;
// [name, ASCII spelling for the email]: Filipino, Spanish-accented, Chinese, Thai, Indonesian, Korean and Malay names.
const NAMES: [string, string][] = [
  ['Maria Santos', 'maria.santos'], ['Jose Reyes', 'jose.reyes'], ['José María Núñez', 'jose.nunez'], ['Ana Cruz', 'ana.cruz'],
  ['Juan dela Cruz', 'juan.delacruz'], ['Mariano Santos', 'mariano.santos'], ['Rosa Bautista', 'rosa.bautista'], ['Marites Garcia', 'marites.garcia'],
  ['王芳', 'wang.fang'], ['李娜', 'li.na'], ['王伟', 'wang.wei'], ['张敏', 'zhang.min'], ['陈静', 'chen.jing'],
  ['สมชาย ใจดี', 'somchai.jaidee'], ['สมศรี มีสุข', 'somsri.meesuk'], ['วิชัย ศรีสุข', 'wichai.srisuk'],
  ['Budi Santoso', 'budi.santoso'], ['Siti Rahayu', 'siti.rahayu'], ['김민준', 'kim.minjun'], ['Nurul Aisyah', 'nurul.aisyah'],
];
const sqlTextArray = (xs: string[]) => `array[${xs.map((x) => `'${x.replaceAll("'", "''")}'`).join(',')}]::text[]`;


/** Inserts the set; prints one line per step through `log`. Refuses (returns false) when large-* rows exist. */
export async function seedLarge(database: Database, { payments: PAYMENTS = 1_000_000, log = console.log }: { payments?: number; log?: (line: string) => void } = {}): Promise<boolean> {
  const run = (label: string, text: string) => {
    const started = Date.now();
    return database.executeSql(text).then((r) => {
      log(`${label.padEnd(34)} ${String(r.rowCount).padStart(9)} rows  ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return r;
    });
  };
  const existing = await database.executeSql(`select count(*)::int as n from payments where payment_request_id like 'large-%'`);
  if ((existing.rows[0] as { n: number }).n > 0) return false;
  const t0 = Date.now();
  // Names as staff would type them: customer g is NAMES[g % NAMES.length] (so ~1,000 share each name, e.g. every
  // 20th is a Santos), with an email built from its Latin spelling and the number, and a +63 phone.
  await run(
    'customers',
    `insert into customers (id, reference, name, email, phone, country, created_at, updated_at)
     select md5('large-c' || g)::uuid, 'large-c-' || g, n.name, n.login || '.' || g || '@example.ph', '+63917' || lpad(g::text, 7, '0'),
            (${arr(2)})[1 + g % 10], now() - interval '400 days' + g * interval '1 minute', now()
     from generate_series(1, ${CUSTOMERS}) g
     join (select name, login, i - 1 as i from unnest(${sqlTextArray(NAMES.map((n) => n[0]))}, ${sqlTextArray(NAMES.map((n) => n[1]))}) with ordinality as t(name, login, i)) n
       on n.i = g % ${NAMES.length}`,
  );
  // Agreement a belongs to customer (a % CUSTOMERS) + 1 and uses wallet slot a % 10.
  await run(
    'agreements',
    `insert into agreements (id, customer_id, payment_method, status, terminal_type, auth_state_index, auth_state_expires_at,
                             buyer_binding_index, user_login_id_masked, access_token_expires_at, refresh_token_expires_at,
                             activated_at, revoked_at, created_at, updated_at)
     select md5('large-a' || a)::uuid, md5('large-c' || (a % ${CUSTOMERS} + 1))::uuid, (${arr(0)})[1 + a % 10],
            (case when a % 25 = 0 then 'REVOKED' when a % 40 = 1 then 'EXPIRED' else 'ACTIVE' end)::agreement_status,
            'WEB', 'large-as-' || a, now() - interval '380 days', 'large', '63****' || lpad((a % 10000)::text, 4, '0'),
            now() + (a % 60) * interval '1 day', now() + (a % 700) * interval '1 day',
            now() - interval '380 days', case when a % 25 = 0 then now() - (a % 300) * interval '1 day' end,
            now() - interval '390 days' + a * interval '1 minute', now()
     from generate_series(1, ${AGREEMENTS}) a`,
  );
  // Payment g uses agreement (g % AGREEMENTS) + 1, so its wallet, currency and customer follow that agreement.
  // Status mix: 80 % succeeded, 10 % failed, 4 % cancelled, 3 % processing, 2 % unknown, 1 % created.
  // Each payment is the single attempt of an intent of its own (id = the payment's id), as the 0012 migration does
  // for payments that existed before intents. The attempt guard trigger is off for the bulk insert: these rows are
  // history, one attempt per intent by construction, and the per-row check would add minutes to a million rows.
  await run(
    'charge intents',
    `insert into charge_intents (id, business_key, agreement_id, customer_id, amount_minor, currency, description, source, retry_policy, max_attempts, created_at)
     select md5('large-p' || g)::uuid, 'order-' || g, md5('large-a' || a)::uuid, md5('large-c' || (a % ${CUSTOMERS} + 1))::uuid,
            amount, (${arr(1)})[1 + a % 10], 'Monthly plan', (case when g % 3 = 0 then 'staff' else 'schedule' end)::payment_initiator, 'none', 1, ts
     from (
       select g, g % ${AGREEMENTS} + 1 as a, (g::bigint * 7919) % 100 as s,
              ((g::bigint * 104729) % 5000 + 10) * 100 as amount,
              now() - interval '365 days' + (g::float8 / ${PAYMENTS}) * interval '365 days' as ts
       from generate_series(1, ${PAYMENTS}) g
     ) p`,
  );
  await run('attempt guard off', 'alter table payments disable trigger payments_attempt_guard');
  await run(
    'payments',
    `insert into payments (id, intent_id, agreement_id, customer_id, payment_method, payment_request_id, payment_id, amount_minor, currency,
                           refunded_minor, status, reference_order_id, description, initiator, result_code, failure_code,
                           succeeded_at, failed_at, created_at, updated_at)
     select md5('large-p' || g)::uuid, md5('large-p' || g)::uuid, md5('large-a' || a)::uuid, md5('large-c' || (a % ${CUSTOMERS} + 1))::uuid,
            (${arr(0)})[1 + a % 10], 'large-p-' || g, case when s >= 99 then null else 'LP' || g end,
            amount, (${arr(1)})[1 + a % 10],
            case when s < 80 and g % 20 = 0 then amount / 2 else 0 end,
            (case when s < 80 then 'SUCCEEDED' when s < 90 then 'FAILED' when s < 94 then 'CANCELLED'
                  when s < 97 then 'PROCESSING' when s < 99 then 'UNKNOWN' else 'CREATED' end)::payment_status,
            'order-' || g, 'Monthly plan', (case when g % 3 = 0 then 'staff' else 'schedule' end)::payment_initiator,
            case when s < 80 then 'SUCCESS' when s < 90 then (array['USER_BALANCE_NOT_ENOUGH','RISK_REJECT','USER_PAYMENT_VERIFICATION_FAILED','ACCESS_TOKEN_IS_EXPIRED'])[1 + g % 4] end,
            case when s >= 80 and s < 90 then (array['USER_BALANCE_NOT_ENOUGH','RISK_REJECT','USER_PAYMENT_VERIFICATION_FAILED','ACCESS_TOKEN_IS_EXPIRED'])[1 + g % 4] end,
            case when s < 80 then ts end, case when s >= 80 and s < 90 then ts end, ts, ts
     from (
       select g, g % ${AGREEMENTS} + 1 as a, (g::bigint * 7919) % 100 as s,
              ((g::bigint * 104729) % 5000 + 10) * 100 as amount,
              now() - interval '365 days' + (g::float8 / ${PAYMENTS}) * interval '365 days' as ts
       from generate_series(1, ${PAYMENTS}) g
     ) p`,
  );
  // Three 125.50 PHP payments (the search's amount example; g % 10 = 1 → GCash, PHP); every amount above is whole
  // units, so no other payment has it. Their intents follow.
  for (const table of ['payments', 'charge_intents']) {
    await run(
      `125.50 PHP ${table}`,
      `update ${table} set amount_minor = 12550 where id in (select md5('large-p' || g)::uuid from unnest(array[1, 500001, 999991]) g) and currency = 'PHP'`,
    );
  }
  await run('attempt guard on', 'alter table payments enable trigger payments_attempt_guard');
  await run(
    'refunds',
    `insert into refunds (id, payment_id, refund_request_id, refund_id, amount_minor, currency, status, reason, settled_at, created_at, updated_at)
     select md5('large-r' || p.payment_request_id)::uuid, p.id, 'large-r-' || substr(p.payment_request_id, 9), 'LR' || substr(p.payment_request_id, 9),
            p.refunded_minor, p.currency, 'SUCCEEDED', 'Partial refund', p.created_at + interval '1 day', p.created_at + interval '1 day', p.created_at + interval '1 day'
     from payments p where p.payment_request_id like 'large-%' and p.refunded_minor > 0`,
  );
  await run('analyze', 'analyze customers, agreements, payments, refunds');
  log(`seed-large: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}
