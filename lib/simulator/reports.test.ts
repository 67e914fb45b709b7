// Report files in Antom's formats (ams-api.md §13): the SFTP layout and default names, headers by name
// (current by default, the older AMS variant per client), major-unit amounts, charged fees negative and the
// net = amount + fees, a summary TOTAL equal to the details and the ledger, FAIL rows, cross-currency with a
// quote, an error-correction line for Hundsun, a zero-total summary for an empty batch.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlipayClient } from '../alipay';
import { localMerchantId } from '../alipay/merchant-id';
import { registerClient } from './control-api';
import { AMS_SETTLEMENT_SUMMARY_COLUMNS, AMS_TRANSACTION_COLUMNS, CURRENT_SETTLEMENT_SUMMARY_COLUMNS, CURRENT_TRANSACTION_COLUMNS } from './reports';
import { alipayClientFor, authorizeViaControl, control, payInput, startTestSimulator, TEST_CLIENT_ID, TEST_SECRET, uniqueId, type TestSimulator, type Json } from './test-kit';
import { gmt8Day } from './wire';

let t: TestSimulator;
let client: AlipayClient;
beforeAll(async () => {
  t = await startTestSimulator({ fees: { rateBps: 250 } });
  client = alipayClientFor(t);
});
afterAll(async () => {
  await t.close();
});

function parseCsv(text: string): { header: string[]; rows: Record<string, string>[]; trailer: string } {
  const lines = text.trimEnd().split('\n');
  const header = (lines[0] ?? '').split(',');
  const trailer = lines[lines.length - 1] ?? '';
  const rows = lines.slice(1, -1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i] ?? '', v])));
  return { header, rows, trailer };
}

const MID = localMerchantId(TEST_CLIENT_ID);
const download = async (name: string) => (await fetch(`${t.sim.url}/simulator/reports/files/${name}`, { headers: { authorization: `Bearer ${TEST_SECRET}` } })).text();

describe('reports', () => {
  it('writes transaction details, settlement details and summary in the current format, consistent with the ledger', async () => {
    registerClient(t.sim.ctx, { clientId: TEST_CLIENT_ID, publicKeyPem: t.merchant.publicPem, reports: { variant: 'current' } });
    const token = await authorizeViaControl(t, client);
    const a = (await client.pay(payInput(token, '10000'))).data as Json;
    const b = (await client.pay(payInput(token, '20000'))).data as Json;
    await client.refund({ refundRequestId: uniqueId('r'), paymentId: a.paymentId, refundAmount: { currency: 'PHP', value: '4000' } } as never);
    await client.refund({ refundRequestId: uniqueId('r'), paymentId: a.paymentId, refundAmount: { currency: 'PHP', value: '1091' } } as never); // refund-fail
    await client.cancel({ paymentId: b.paymentId } as never);
    const day = gmt8Day(t.sim.clock.now());
    const compact = day.replaceAll('-', '');
    const next = gmt8Day(t.sim.clock.now() + 86_400_000).replaceAll('-', '');
    const files: string[] = (await control(t, 'POST', 'reports/generate', { date: day })).json.files;
    expect(files).toHaveLength(3);
    for (const f of files) expect(existsSync(path.join(t.dataDir, 'simulator', 'sftp', f))).toBe(true);
    expect(files[0]).toBe(`v1/settlements/${MID}/${compact}/transactionItems_${compact}_000.csv`);
    expect(files[1]).toMatch(new RegExp(`^v1/settlements/${MID}/${next}/settlementItems_PHP_[0-9A-Z]+_000\\.csv$`));

    const tx = parseCsv(await download(files[0]!));
    expect(tx.header).toEqual([...CURRENT_TRANSACTION_COLUMNS]);
    expect(tx.trailer).toBe('<END>');
    expect(tx.rows.map((r) => `${r['transactionType']} ${r['status']}`)).toEqual(['PAYMENT SUCCESS', 'PAYMENT SUCCESS', 'REFUND SUCCESS', 'REFUND FAIL', 'CANCEL SUCCESS']);
    // 100.00 PHP at 2.5 %: 2.50 charged (negative), a tenth of it as tax; net = amount + fees.
    expect(tx.rows[0]).toMatchObject({ customerId: MID, transactionAmountValue: '100.00', paymentMethodFeeAmountValue: '-2.25', taxFeeAmountValue: '-0.25', settlementAmountValue: '97.50' });
    expect(tx.rows[2]).toMatchObject({ originalTransactionId: a.paymentId, transactionAmountValue: '40.00', settlementAmountValue: '-40.00' });
    expect(tx.rows[3]).toMatchObject({ reason: 'MERCHANT_BALANCE_NOT_ENOUGH', settlementAmountValue: '' });

    const detail = parseCsv(await download(files[1]!));
    const summary = parseCsv(await download(files[2]!));
    expect(summary.header).toEqual([...CURRENT_SETTLEMENT_SUMMARY_COLUMNS]);
    expect(summary.rows[0]!['summaryType']).toBe('TOTAL');
    const minor = (v: string | undefined) => BigInt((v ?? '0').replace('.', ''));
    const net = detail.rows.reduce((sum, r) => sum + minor(r['settlementAmountValue']), 0n);
    expect(minor(summary.rows[0]!['settlementAmountValue'])).toBe(net);
    // 100.00 + 200.00 paid, 40.00 refunded, 200.00 reversed with its 5.00 fee returned; 2.50 kept.
    expect(summary.rows[0]).toMatchObject({ count: '4', settlementAmountValue: '57.50', paymentMethodFeeAmountValue: '-2.25', taxFeeAmountValue: '-0.25' });
    const ledger = (await control(t, 'GET', 'ledger')).json.totals.PHP;
    expect(ledger.netMinor).toBe('6000');
  });

  it('writes the older AMS variant, cross-currency with a quote, an error-correction line and an empty batch', async () => {
    const other = 'TEST_AMS';
    registerClient(t.sim.ctx, { clientId: other, publicKeyPem: t.merchant.publicPem, reports: { variant: 'ams', acquirer: 'HUNDSUN', settleIn: { KRW: 'USD' }, quotes: { 'KRW/USD': '0.00075' } } });
    const c = alipayClientFor(t, other);
    const token = await authorizeViaControl(t, c, 'KAKAOPAY');
    const p = (await c.pay(payInput(token, '9000', 'KAKAOPAY', 'KRW'))).data as Json;
    await c.refund({ refundRequestId: uniqueId('r'), paymentId: p.paymentId, refundAmount: { currency: 'KRW', value: '1000' } } as never);
    const day = gmt8Day(t.sim.clock.now());
    const files: string[] = (await control(t, 'POST', 'reports/generate', { date: day })).json.files;
    const mine = files.filter((f) => f.includes(localMerchantId(other)));
    expect(mine.map((f) => f.split('/').pop())).toEqual([
      `${localMerchantId(other)}_fptrade_${day.replaceAll('-', '')}.csv`,
      expect.stringMatching(/^settlementItems_USD_/),
      expect.stringMatching(/^settlementSummary_USD_/),
    ]);
    const tx = parseCsv(await download(mine[0]!));
    expect(tx.header).toEqual([...AMS_TRANSACTION_COLUMNS]);
    expect(tx.rows.map((r) => r['transactionAmountValue'])).toEqual(['9000', '-1000']);
    const detail = parseCsv(await download(mine[1]!));
    // 9000 KRW × 0.00075 = 6.75 USD; fee 2.5 % of it = 0.17 (half up) charged.
    expect(detail.rows[0]).toMatchObject({ quoteCurrencyPair: 'KRW/USD', quotePrice: '0.00075', settlementAmountValue: '6.58', feeAmountValue: '-0.17', settlementCurrency: 'USD' });
    const summaryText = await download(mine[2]!);
    const summary = parseCsv(summaryText);
    expect(summary.header).toEqual([...AMS_SETTLEMENT_SUMMARY_COLUMNS]);
    expect(summary.rows.map((r) => r['summaryType'])).toEqual(['PAYMENT', 'REFUND', 'TOTAL', expect.any(String)]);
    expect(summaryText).toMatch(/\nERROR_CORRECTION,[^\n]*\n<END>\n$/);

    // The next day without transactions: a zero-total summary.
    const tomorrow = gmt8Day(t.sim.clock.now() + 86_400_000);
    const empty: string[] = (await control(t, 'POST', 'reports/generate', { date: tomorrow })).json.files;
    const emptySummary = empty.find((f) => f.includes(localMerchantId(other)) && f.includes('settlementSummary'));
    expect(parseCsv(await download(emptySummary!)).rows[0]).toMatchObject({ summaryType: 'TOTAL', count: '0', settlementAmountValue: '0.00', settlementCurrency: 'USD' });
  });

  it('a new GMT+8 day drops the previous day\'s files by itself', async () => {
    const before: string[] = (await control(t, 'GET', 'reports')).json.files;
    const token = await authorizeViaControl(t, client);
    await client.pay(payInput(token, '10000'));
    const day = gmt8Day(t.sim.clock.now());
    await control(t, 'POST', 'clock/advance', { seconds: 24 * 3600 });
    const after: string[] = (await control(t, 'GET', 'reports')).json.files;
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    expect(after.some((f) => f.endsWith(`transactionItems_${day.replaceAll('-', '')}_000.csv`))).toBe(true);
  });

  it('refuses path tricks on downloads', async () => {
    for (const trick of ['..%2Fstate.json', 'v1%2F..%2F..%2Fstate.json', 'v1%2F.%2Fx.csv']) {
      const r = await fetch(`${t.sim.url}/simulator/reports/files/${trick}`, { headers: { authorization: `Bearer ${TEST_SECRET}` } });
      expect(r.status).toBe(404);
    }
  });
});
