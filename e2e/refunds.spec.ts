import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, createStaff, expectAxeClean, signInOk } from './helpers';

const VIEWER = { name: 'Rita Viewer', email: 'refunds-viewer@e2e.test', role: 'viewer' as const, password: 'viewer-password-123' };
const DATA_DIR = process.env.E2E_DATA_DIR ?? '.data/e2e';

/** The SUCCEEDED ₱1,000.00 GCash payment scripts/e2e-seed-refunds.ts made at the simulator and in the database. */
function seededPaymentId(): string {
  return (JSON.parse(readFileSync(path.join(DATA_DIR, 'e2e-refund-fixtures.json'), 'utf8')) as { paymentId: string }).paymentId;
}

/** The id Next gave a server action in this build, read from the build's own manifest. */
function actionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as { node: Record<string, { exportedName: string }> };
  const entry = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName);
  if (!entry) throw new Error(`no server action ${exportedName} in this build`);
  return entry[0];
}


/** Opens the seeded payment; `hydrated` waits until the refund form can take input (React attached). */
async function openPayment(page: Page, { hydrated = true } = {}) {
  await page.goto(`/dashboard/payments/${seededPaymentId()}`);
  await expect(page.getByRole('heading', { level: 1, name: '₱1,000.00 GCash payment — Juan dela Cruz' })).toBeVisible();
  if (hydrated) await page.waitForLoadState('networkidle');
}

test.describe.configure({ mode: 'serial' });

test('staff partially refund from the payment page: amount confirmed, refused beyond what is left, timeline shows the call', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await openPayment(page);
  await expect(page.locator('section[aria-labelledby="status-heading"]').getByText('Succeeded', { exact: true })).toBeVisible();
  await expect(page.getByTestId('payment-status-reason')).toHaveText('The wallet was debited.');
  await expect(page.getByTestId('payment-refundable')).toHaveText('₱1,000.00');
  // Within Antom's window and before any refund, the payment may still be cancelled.
  await expect(page.getByRole('button', { name: 'Cancel payment' })).toBeEnabled();
  await expectAxeClean(page);

  // More than the payment: refused with the sentence, nothing refunded.
  await page.getByLabel('Amount to refund (PHP)').fill('1,000.01');
  await expect(page.getByTestId('refund-preview')).toHaveText('You are about to refund ₱1,000.01.');
  await page.getByLabel('Reason', { exact: true }).fill('Bag arrived torn');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await page.getByTestId('refund-submit-yes').click();
  await expect(page.getByTestId('refund-form').getByRole('alert')).toHaveText('Only ₱1,000.00 is left to refund on this payment.');
  await expect(page.getByTestId('refund-row')).toHaveCount(0);

  // Too many decimals for PHP: said before and after sending.
  await page.getByLabel('Amount to refund (PHP)').fill('12.505');
  await expect(page.getByTestId('refund-preview')).toHaveText('This is not an amount in PHP yet.');

  await page.getByLabel('Amount to refund (PHP)').fill('12.50');
  await expect(page.getByTestId('refund-preview')).toHaveText('You are about to refund ₱12.50.');
  await page.getByLabel('Reason', { exact: true }).fill('Bag arrived torn');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(page.getByTestId('refund-submit-confirm')).toContainText(/Refund ₱12\.50 to .+\?/);
  await page.getByTestId('refund-submit-yes').click();
  await expect(page.getByText('Refunded ₱12.50.')).toBeVisible();
  await expect(page.getByTestId('refund-row')).toHaveCount(1);
  await expect(page.getByTestId('refund-row')).toContainText('₱12.50');
  await expect(page.getByTestId('refund-row')).toContainText('Refunded');
  await expect(page.getByTestId('refund-row')).toContainText('Bag arrived torn');
  await expect(page.getByTestId('payment-refunded')).toHaveText('₱12.50');
  await expect(page.getByTestId('payment-refundable')).toHaveText('₱987.50');
  const timeline = page.getByTestId('payment-timeline-entry');
  await expect(timeline.filter({ hasText: 'Refund requested' })).toContainText('asked to refund ₱12.50: “Bag arrived torn”');
  // Antom's answer and its notification race (truly in parallel on PostgreSQL): whichever lands first settles it, once.
  await expect(timeline.filter({ hasText: 'Refund succeeded' })).toHaveCount(1);
  await expect(timeline.filter({ hasText: 'Refund succeeded' })).toContainText(/₱12\.50 refunded \(via (the refund answer|a notification)\)\./);
  await expect(timeline.filter({ hasText: 'Call: refund' }).first()).toContainText('SUCCESS');
  // After a refund, cancel is refused on the page with the reason (and by part A's service).
  await expect(page.getByTestId('cancel-blocked')).toHaveText('This payment has a refund, so it can no longer be cancelled; refund the rest instead.');
  await expect(page.getByRole('button', { name: 'Cancel payment' })).toBeDisabled();
  await expectAxeClean(page);
});

test('the payment page is usable on a 360 px phone and in Chinese', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await signInOk(page, ADMIN.email, ADMIN.password);
  await openPayment(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('button', { name: 'Refund', exact: true })).toBeVisible();
  await expectAxeClean(page);

  await page.context().addCookies([{ name: 'NEXT_LOCALE', value: 'zh-CN', url: page.url() }]);
  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: '为此付款退款' })).toBeVisible();
  await expect(page.getByTestId('refund-row')).toContainText('已退款');
  await expectAxeClean(page);
});

test('a viewer sees the payment without money buttons and is refused when calling the refund action directly', async ({ page, browser }) => {
  const admin = await browser.newPage();
  await signInOk(admin, ADMIN.email, ADMIN.password);
  await createStaff(admin, VIEWER);
  await admin.close();

  await signInOk(page, VIEWER.email, VIEWER.password);
  await openPayment(page, { hydrated: false });
  await expect(page.getByText('Your role can view payments but not refund or cancel them.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Refund', exact: true })).toHaveCount(0);
  await expect(page.getByLabel('Amount to refund (PHP)')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel payment' })).toHaveCount(0);
  await expectAxeClean(page);

  const response = await page.request.post(`/dashboard/payments/${seededPaymentId()}`, {
    // As the browser posts a useActionState form (JSON arguments are refused with 415 before any action runs).
    headers: { 'Next-Action': actionId('createRefundAction'), Origin: new URL(page.url()).origin },
    multipart: { '1_paymentId': seededPaymentId(), '1_amount': '100.00', '1_reason': 'viewer trying', '1_operationKey': 'viewer-operation-key-0001', '0': '[null,"$K1"]' },
  });
  expect(await response.text()).toContain('"code":"forbidden"');
  await page.reload();
  await expect(page.getByTestId('refund-row')).toHaveCount(1);
  await expect(page.getByTestId('payment-refunded')).toHaveText('₱12.50');
});
