// Report files: header row, one row per ledger entry, `<END>` trailer; settlement details sum to the
// summary's TOTAL, which equals the ledger's net; files are in the drop folder and downloadable.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlipayClient } from '../alipay';
import { SETTLEMENT_SUMMARY_COLUMNS, TRANSACTION_COLUMNS } from './reports';
import { alipayClientFor, authorizeViaControl, control, payInput, startTestSimulator, TEST_SECRET, uniqueId, type TestSimulator, type Json } from './test-kit';
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

describe('reports', () => {
  it('writes transaction details, settlement details and summary consistent with the ledger', async () => {
    const token = await authorizeViaControl(t, client);
    const a = (await client.pay(payInput(token, '10000'))).data as Json;
    const b = (await client.pay(payInput(token, '20000'))).data as Json;
    await client.refund({ refundRequestId: uniqueId('r'), paymentId: a.paymentId, refundAmount: { currency: 'PHP', value: '4000' } } as never);
    await client.cancel({ paymentId: b.paymentId } as never);
    const day = gmt8Day(t.sim.clock.now());
    const generated = await control(t, 'POST', 'reports/generate', { date: day });
    const files: string[] = generated.json.files;
    expect(files).toHaveLength(3);
    for (const f of files) expect(existsSync(path.join(t.dataDir, 'simulator', 'sftp', f))).toBe(true);

    const download = async (name: string) => (await fetch(`${t.sim.url}/simulator/reports/files/${name}`, { headers: { authorization: `Bearer ${TEST_SECRET}` } })).text();
    const tx = parseCsv(await download(files.find((f) => f.includes('transactionDetails')) ?? ''));
    expect(tx.header).toEqual([...TRANSACTION_COLUMNS]);
    expect(tx.trailer).toBe('<END>');
    expect(tx.rows.map((r) => r['transactionType'])).toEqual(['PAYMENT', 'PAYMENT', 'REFUND', 'CANCEL']);
    expect(tx.rows[2]).toMatchObject({ originalTransactionId: a.paymentId, transactionAmountValue: '4000' });

    const detail = parseCsv(await download(files.find((f) => f.includes('settlementDetails')) ?? ''));
    const summary = parseCsv(await download(files.find((f) => f.includes('settlementSummary')) ?? ''));
    expect(summary.header).toEqual([...SETTLEMENT_SUMMARY_COLUMNS]);
    const total = summary.rows.find((r) => r['summaryType'] === 'TOTAL');
    const net = detail.rows.reduce((s, r) => s + BigInt(r['netSettlementAmountValue'] ?? '0'), 0n);
    expect(BigInt(total?.['netSettlementAmountValue'] ?? '-1')).toBe(net);
    // 100.00 + 200.00 paid, 40.00 refunded, 200.00 reversed; fee 2.5 % on the payment that stayed (cancel returns its fee).
    expect(total).toMatchObject({ grossSettlementAmountValue: '6000', feeAmountValue: '250', netSettlementAmountValue: '5750', transactionCount: '4' });
    const ledger = (await control(t, 'GET', 'ledger')).json.totals.PHP;
    expect(ledger.netMinor).toBe('6000');
  });

  it('a new GMT+8 day drops the previous day\'s files by itself', async () => {
    const before: string[] = (await control(t, 'GET', 'reports')).json.files;
    const token = await authorizeViaControl(t, client);
    await client.pay(payInput(token, '10000'));
    const day = gmt8Day(t.sim.clock.now());
    await control(t, 'POST', 'clock/advance', { seconds: 24 * 3600 });
    const after: string[] = (await control(t, 'GET', 'reports')).json.files;
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    expect(after.some((f) => f.includes(`transactionDetails_${day.replaceAll('-', '')}`))).toBe(true);
  });

  it('refuses path tricks on downloads', async () => {
    const r = await fetch(`${t.sim.url}/simulator/reports/files/..%2Fstate.json`, { headers: { authorization: `Bearer ${TEST_SECRET}` } });
    expect(r.status).toBe(404);
  });
});
