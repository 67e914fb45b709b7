// Customs declarations against the simulator: refused before any call when customs or Antom would refuse
// them, idempotent per declarationRequestId, followed to customs' final answer in inquiries of ≤ 10 ids,
// and visible on the payment's timeline — guarding against over-declaring and declarations left hanging.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayClient, type AlipayClient } from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import { TokenVault } from '@/lib/crypto/token-vault';
import type { Database } from '@/lib/db/client';
import { auditLog, customsDeclarations, merchantSettings, paymentEvents } from '@/lib/db/schema';
import type { CustomsDeps } from '@/lib/customs/customs-deps';
import { declareCustoms, declareCustomsInput } from '@/lib/customs/declare-customs';
import { INQUIRY_BATCH, pollCustomsDeclarations } from '@/lib/customs/poll-customs-declarations';
import { authorizeViaControl, control, payInput, startTestSimulator, TEST_CLIENT_ID, type Json, type TestSimulator } from '@/lib/simulator/test-kit';
import { insertAgreement, insertPayment, insertStaffActor } from '../helpers/ledger-fixtures';
import { createTestDatabase, testDatabaseKind } from '../helpers/test-database';

let t: TestSimulator;
let client: AlipayClient;
let database: Database;
let deps: CustomsDeps;
let actor: Actor;
let calls: string[];
let cnyToken: string;
let owner: { customerId: string; agreementId: string };

beforeAll(async () => {
  t = await startTestSimulator();
  calls = [];
  // Count what reaches the wire: "before any call" is part of the contract.
  client = createAlipayClient({
    gatewayUrl: t.sim.url,
    clientId: TEST_CLIENT_ID,
    merchantPrivateKey: t.merchant.privatePem,
    alipayPublicKey: t.sim.publicKeyPem,
    timeoutMs: 5_000,
    maxRetries: 0,
    observer: (event) => {
      if (event.endpoint === 'declare' || event.endpoint === 'inquiryDeclarationRequests') calls.push(event.endpoint);
    },
  });
  cnyToken = await authorizeViaControl(t, client, 'ALIPAY_CN');
  database = await createTestDatabase();
  deps = { db: database.db, alipay: client, vault: new TokenVault(Buffer.alloc(32, 1), Buffer.alloc(32, 2)) };
  actor = await insertStaffActor(database.db);
  owner = await insertAgreement(database.db, 'ALIPAY_CN');
  await database.db.insert(merchantSettings).values({ id: 1, customsMerchantCode: '3122XXXXXX', customsMerchantName: 'Daikou Cross-border Ltd' });
});

afterAll(async () => {
  await database?.close();
  await t?.close();
});

/** A real SUCCEEDED ALIPAY_CN payment at the simulator, mirrored in our ledger. */
async function cnyPayment(value: string): Promise<string> {
  const input = payInput(cnyToken, value, 'ALIPAY_CN', 'CNY') as Json;
  const answer = (await client.pay(input)).data as Json;
  return insertPayment(database.db, owner, {
    paymentRequestId: input.paymentRequestId,
    paymentId: answer.paymentId,
    amountMinor: BigInt(value),
    currency: 'CNY',
    status: 'SUCCEEDED',
    paymentMethod: 'ALIPAY_CN',
    succeededAt: new Date(),
  });
}

const form = (v: Record<string, unknown>) => declareCustomsInput.parse({ office: 'SHANGHAI', ...v });

describe(`customs declarations (${testDatabaseKind()})`, () => {
  it('declares, waits for customs, and reaches SUCCEEDED through the poller, on the payment timeline', async () => {
    const paymentId = await cnyPayment('50000');
    const declared = await declareCustoms(deps, actor, form({ paymentId, amount: '300.00', certificateType: 'ID_CARD', certificateNo: '110101199001011234', holderName: '张三' }));
    expect(declared).toMatchObject({ ok: true, data: { status: 'WAITING', customsCode: 'SHANGHAI_CBT', amountMinor: 30000n, buyerCertificateType: 'ID_CARD' } });
    // The id number is never stored in clear.
    const [row] = await database.db.select().from(customsDeclarations).where(eq(customsDeclarations.paymentId, paymentId));
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('110101199001011234');

    expect(await pollCustomsDeclarations(deps)).toMatchObject({ finalised: 0 });
    await control(t, 'POST', 'clock/advance', { seconds: 31 });
    expect(await pollCustomsDeclarations(deps)).toMatchObject({ finalised: 1 });
    const [final] = await database.db.select().from(customsDeclarations).where(eq(customsDeclarations.paymentId, paymentId));
    expect(final).toMatchObject({ status: 'SUCCEEDED', customsResultCode: '2' });

    const timeline = await database.db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, paymentId)).orderBy(asc(paymentEvents.createdAt));
    expect(timeline.map((e) => e.type)).toEqual(['customs_declaration_created', 'customs_declaration_submitted', 'customs_declaration_succeeded']);
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, 'customs.declare'));
    expect(audits.length).toBeGreaterThan(0);
  });

  it('ends FAILED when customs rejects it', async () => {
    const paymentId = await cnyPayment('20000');
    const declared = await declareCustoms(deps, actor, form({ paymentId, amount: '200.00' }));
    expect(declared.ok).toBe(true);
    // The simulator's declaration-fail scenario is header-only; emulate customs' refusal in its state.
    const sims = (await control(t, 'GET', 'declarations')).json as Json;
    const list = Array.isArray(sims) ? sims : (sims.declarations ?? Object.values(sims));
    const mine = (list as Json[]).find((d) => d.declarationRequestId === (declared.ok && declared.data.declarationRequestId));
    expect(mine).toBeTruthy();
    const record = t.sim.store.state.declarations[t.sim.store.declarationKey(mine.clientId, mine.declarationRequestId)]!;
    record.finalStatus = 'FAIL';
    await control(t, 'POST', 'clock/advance', { seconds: 31 });
    await pollCustomsDeclarations(deps);
    const [final] = await database.db.select().from(customsDeclarations).where(eq(customsDeclarations.paymentId, paymentId));
    expect(final).toMatchObject({ status: 'FAILED', customsResultCode: '-1' });
  });

  it('refuses non-CNY, non-Alipay-CN, unsucceeded and over-amount declarations before any call', async () => {
    const php = await insertPayment(database.db, owner, { paymentRequestId: 'php-1', paymentId: 'ant-php-1', amountMinor: 10000n, currency: 'PHP', status: 'SUCCEEDED', paymentMethod: 'GCASH' });
    const cnyGcash = await insertPayment(database.db, owner, { paymentRequestId: 'cny-gcash', paymentId: 'ant-cny-g', amountMinor: 10000n, currency: 'CNY', status: 'SUCCEEDED', paymentMethod: 'GCASH' });
    const usdAlipay = await insertPayment(database.db, owner, { paymentRequestId: 'usd-ali', paymentId: 'ant-usd', amountMinor: 10000n, currency: 'USD', status: 'SUCCEEDED', paymentMethod: 'ALIPAY_CN' });
    const unknown = await insertPayment(database.db, owner, { paymentRequestId: 'cny-unk', amountMinor: 10000n, currency: 'CNY', status: 'UNKNOWN', paymentMethod: 'ALIPAY_CN' });
    const before = calls.length;
    expect(await declareCustoms(deps, actor, form({ paymentId: php, amount: '1.00' }))).toMatchObject({ ok: false, code: 'not_alipay_cn' });
    expect(await declareCustoms(deps, actor, form({ paymentId: cnyGcash, amount: '1.00' }))).toMatchObject({ ok: false, code: 'not_alipay_cn' });
    const usd = await declareCustoms(deps, actor, form({ paymentId: usdAlipay, amount: '1.00' }));
    expect(usd).toMatchObject({ ok: false, code: 'not_cny' });
    expect(!usd.ok && usd.error).toContain('this payment is in USD');
    expect(await declareCustoms(deps, actor, form({ paymentId: unknown, amount: '1.00' }))).toMatchObject({ ok: false, code: 'payment_not_succeeded' });

    const paymentId = await cnyPayment('10000');
    const callsBefore = calls.length;
    expect(await declareCustoms(deps, actor, form({ paymentId, amount: '60.00', splitOrder: 'on', subOrderId: 'SUB-1' }))).toMatchObject({ ok: true, data: { status: 'WAITING', subOrderId: 'SUB-1' } });
    const over = await declareCustoms(deps, actor, form({ paymentId, amount: '40.01', splitOrder: 'on', subOrderId: 'SUB-2' }));
    expect(over).toMatchObject({ ok: false, code: 'over_amount' });
    expect(!over.ok && over.error).toContain('at most 40.00 left');
    expect(calls.length - callsBefore).toBe(1);
    expect(callsBefore - before).toBe(0); // the four refusals sent nothing
    expect(await declareCustoms(deps, actor, form({ paymentId, amount: '40.00', splitOrder: 'on', subOrderId: 'SUB-2' }))).toMatchObject({ ok: true });
  });

  it('is idempotent per declarationRequestId, and resends the identical body after an unknown outcome', async () => {
    const paymentId = await cnyPayment('30000');
    const input = form({ paymentId, amount: '100.00', declarationRequestId: 'DCLtestidempotent0001' });
    const first = await declareCustoms(deps, actor, input);
    const again = await declareCustoms(deps, actor, input);
    expect(first.ok && again.ok && again.data.id === first.data.id).toBe(true);
    expect(await database.db.select().from(customsDeclarations).where(eq(customsDeclarations.paymentId, paymentId))).toHaveLength(1);
    // As if the answer had been lost: the poller resends the sealed body byte for byte; Antom answers the same.
    await database.db.update(customsDeclarations).set({ status: 'UNKNOWN' }).where(eq(customsDeclarations.paymentId, paymentId));
    expect(await pollCustomsDeclarations(deps, { onlyIds: [first.ok ? first.data.id : ''] })).toMatchObject({ resent: 1 });
    const [row] = await database.db.select().from(customsDeclarations).where(eq(customsDeclarations.paymentId, paymentId));
    expect(row!.status).toBe('WAITING');
  });

  it('asks about at most 10 declarations per inquiry call', async () => {
    const paymentId = await cnyPayment('90000');
    for (let i = 0; i < 12; i++) await declareCustoms(deps, actor, form({ paymentId, amount: '10.00', splitOrder: 'on', subOrderId: `S-${i}` }));
    calls.length = 0;
    await control(t, 'POST', 'clock/advance', { seconds: 31 });
    const result = await pollCustomsDeclarations(deps);
    expect(result.inquired).toBeGreaterThanOrEqual(12);
    expect(calls.filter((c) => c === 'inquiryDeclarationRequests').length).toBe(Math.ceil(result.inquired / INQUIRY_BATCH));
    const rows = await database.db.select().from(customsDeclarations).where(eq(customsDeclarations.paymentId, paymentId));
    expect(rows.every((r) => r.status === 'SUCCEEDED')).toBe(true);
  });
});
