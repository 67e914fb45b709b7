import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { localMerchantId } from '../lib/alipay/merchant-id';
import { ADMIN, expectAxeClean, signInOk } from './helpers';

// The e2e portal runs with the default ALIPAY_CLIENT_ID against the local simulator, so its Antom merchant
// ID is the simulator's for that client.
const MERCHANT_ID = localMerchantId('DAIKOU_LOCAL');
const HEADER =
  'customerId,PSP,ARN,transactionId,originalTransactionId,transactionRequestId,referenceTransactionId,paymentMethodType,transactionType,status,paymentTime,transactionAmountValue,transactionCurrency,paymentMethodFeeAmountValue,paymentMethodFeeCurrency,settlementAmountValue,settlementCurrency,orderDescription';
const run = Date.now().toString(36);

/** A transaction details report of payments our ledger has never seen; padded so the upload takes a moment. */
function report(rows: number, { end = true, padding = 40_000 } = {}): Buffer {
  const pad = 'x'.repeat(padding);
  const lines = [HEADER];
  for (let i = 1; i <= rows; i++) {
    lines.push(`${MERCHANT_ID},ALIPAY_SG,,pay-${run}-${i},,req-${run}-${i},order-${i},GCASH,PAYMENT,SUCCESS,2026-11-30T10:00:00+08:00,${100 + i}.00,PHP,-2.00,PHP,${98 + i}.00,PHP,${pad}`);
  }
  if (end) lines.push('<END>');
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function upload(page: Page, name: string, content: Buffer) {
  await page.getByLabel('Report file (CSV or XLSX from Antom)').setInputFiles({ name, mimeType: 'text/csv', buffer: content });
  await page.getByRole('button', { name: 'Upload and check' }).click();
}

test('upload a report with progress, see refusals explained, resolve a difference', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/reconciliation');
  await page.waitForLoadState('networkidle');
  await expectAxeClean(page);

  // A truncated file is refused with the reason, and nothing of it shows up.
  await upload(page, 'transactionItems_20261129_000.csv', report(2, { end: false }));
  await expect(page.getByTestId('upload-result')).toContainText('no <END> line');

  // Slow the link so the progress bar is there to be seen.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 200 * 1024 });
  await upload(page, 'transactionItems_20261130_000.csv', report(12));
  await expect(page.getByTestId('upload-progress')).toBeVisible();
  await expect(page.getByTestId('upload-result')).toContainText('Loaded 12 rows for 2026-11-30; 12 open differences that day.', { timeout: 30_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  await expect(page.getByTestId('recon-day-2026-11-30')).toContainText('12');
  await page.getByRole('link', { name: '2026-11-30' }).click();
  await expect(page.getByRole('heading', { name: 'Open differences on 2026-11-30' })).toBeVisible();
  const rows = page.getByTestId('discrepancy-missing_in_ledger');
  await expect(rows).toHaveCount(12);
  await expectAxeClean(page);

  const first = rows.first();
  await first.getByLabel('How it was settled').fill('Paid in the old system; booked manually.');
  await first.getByRole('button', { name: 'Resolve' }).click();
  await expect(rows).toHaveCount(11);

  // The same bytes again are harmless.
  await upload(page, 'transactionItems_20261130_000.csv', report(12));
  await expect(page.getByTestId('upload-result')).toContainText('already imported');

  // Export carries the resolution.
  const csv = await page.request.get('/dashboard/reconciliation/export?date=2026-11-30');
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain('Paid in the old system; booked manually.');
});

test('another merchant\u2019s report is refused, and the page works at 360 px', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/reconciliation');
  await page.waitForLoadState('networkidle');
  const foreign = Buffer.from(report(1).toString().replaceAll(`${MERCHANT_ID},`, '1022188000000000999,'));
  await upload(page, 'TRANSACTION_DETAIL_9_20261128.csv', foreign);
  await expect(page.getByTestId('upload-result')).toContainText('another merchant');
  // The page lists the refused file with its reason and line.
  await page.goto('/dashboard/reconciliation?date=2026-11-28');
  await expect(page.getByTestId('report-file-REJECTED').first()).toContainText('Line 2:');
  await expectAxeClean(page);
});

test('declare a payment to customs and see its status reach final', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/customs');
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Merchant customs registration number').fill('3122E2E0001');
  await page.getByLabel('Name registered at customs').fill('E2E Cross-border Ltd');
  await page.getByRole('button', { name: 'Save registration' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await page.waitForLoadState('networkidle');

  const form = page.getByTestId('declare-form');
  const option = form.getByRole('option', { name: /E2E-CUSTOMS-ORDER/ });
  await form.getByLabel('Payment', { exact: true }).selectOption({ label: (await option.textContent()) ?? '' });
  await form.getByLabel('Amount to declare (CNY)').fill('300.00');
  await form.getByLabel('Customs office').selectOption('SHANGHAI');
  await form.getByRole('button', { name: 'Declare' }).click();
  await expect(page.getByText('Declaration sent.')).toBeVisible();
  const row = page.locator('[data-testid^="declaration-DCL"]').first();
  await expect(row.getByTestId('declaration-status')).toHaveText('Waiting for customs');
  await expectAxeClean(page);

  // Customs answers 30 simulated seconds later: move the simulator's business clock on.
  const dataDir = process.env.E2E_DATA_DIR ?? '.data/e2e';
  const secret = (JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as { SIMULATOR_SECRET: string }).SIMULATOR_SECRET;
  const advanced = await page.request.post(`http://127.0.0.1:${process.env.E2E_SIMULATOR_PORT ?? 4110}/simulator/clock/advance`, {
    headers: { authorization: `Bearer ${secret}` },
    data: { seconds: 40 },
  });
  expect(advanced.ok()).toBe(true);
  await row.getByRole('button', { name: 'Check status now' }).click();
  await expect(row.getByTestId('declaration-status')).toHaveText('Accepted by customs');
});

test('a 60 MB report (past the proxy\u2019s 10 MB body cut) uploads with its progress bar and imports', async ({ page }) => {
  test.setTimeout(180_000);
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/reconciliation');
  await page.waitForLoadState('networkidle');
  // 1,500 rows of 40 KB each: 60 MB. Playwright hands files over 50 MB to the browser by path.
  const content = report(1500, { padding: 40_000 }).toString().replaceAll('2026-11-30T', '2026-11-27T');
  expect(Buffer.byteLength(content)).toBeGreaterThan(60 * 1000 * 1000);
  const file = path.join(tmpdir(), `transactionItems_20261127_001.csv`);
  writeFileSync(file, content);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 20 * 1024 * 1024 });
  await page.getByLabel('Report file (CSV or XLSX from Antom)').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and check' }).click();
  await expect(page.getByTestId('upload-progress')).toBeVisible();
  await expect(page.getByTestId('upload-result')).toContainText('Loaded 1500 rows for 2026-11-27', { timeout: 150_000 });
});
