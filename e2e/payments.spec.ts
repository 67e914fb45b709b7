import { readFileSync } from 'node:fs';
import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, authorizeGcash, createStaff, expectAxeClean, signInOk } from './helpers';

/**
 * Charges (issue 9 part A): staff charge from the agreement page, a low-balance decline with its reason, the
 * buyer's one-click confirm (JS on and off, phone size, Filipino), and a viewer who sees no money buttons and is
 * refused when replaying the charge action. Agreements are made through the real buyer authorization flow.
 */
const fixtures = JSON.parse(readFileSync(`${process.env.E2E_DATA_DIR ?? '.data/e2e'}/e2e-fixtures.json`, 'utf8')) as Record<'ph', string[]>;
// Take links from the end of the pool: the authorization spec takes them from the start.
const phLinks = [...fixtures.ph].reverse();
const VIEWER = { name: 'Vera Viewer', email: 'viewer-pay@e2e.test', role: 'viewer' as const, password: 'viewer-password-123' };

test.describe.configure({ mode: 'serial', timeout: 120_000 });

const gcashAgreement = (browser: Browser, account: 'normal' | 'low-balance') => authorizeGcash(browser, phLinks, account);

async function chargeFromAgreementPage(page: Page, agreementId: string, amount: string, description: string) {
  await page.goto(`/dashboard/agreements/${agreementId}`);
  const form = page.locator('section[aria-labelledby="charge-heading"]');
  await form.getByLabel('Amount (PHP)').fill(amount);
  await form.getByLabel('Description').fill(description);
  await form.getByRole('button', { name: 'Review charge' }).click();
}

let normalAgreement: string;
let chargeActionRequest: { url: string; headers: Record<string, string>; body: Buffer } | null = null;

test('staff charge: typed amount, formatted review, one charge, listed on the agreement', async ({ page, browser }) => {
  normalAgreement = await gcashAgreement(browser, 'normal');
  await signInOk(page, ADMIN.email, ADMIN.password);
  await chargeFromAgreementPage(page, normalAgreement, '12.50', 'Coffee beans, 1 kg');
  await expect(page.getByTestId('charge-review')).toContainText('Charge ₱12.50 to GCash');
  await expectAxeClean(page);
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && r.headers()['next-action'] !== undefined),
    page.getByRole('button', { name: 'Confirm charge of ₱12.50' }).click(),
  ]);
  chargeActionRequest = { url: request.url(), headers: await request.allHeaders(), body: request.postDataBuffer() ?? Buffer.alloc(0) };
  await expect(page.getByText('Charged ₱12.50.')).toBeVisible();
  const table = page.getByTestId('agreement-payments');
  await expect(table).toContainText('₱12.50');
  await expect(table).toContainText('SUCCEEDED');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  // The same form submitted again (a retried request) is the same charge: still one payment.
  await page.request.post(chargeActionRequest.url, { headers: chargeActionRequest.headers, data: chargeActionRequest.body });
  await page.reload();
  await expect(page.getByTestId('agreement-payments').locator('tbody tr')).toHaveCount(1);
});

test('too many decimals and below the wallet minimum are refused with a precise message, nothing charged', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await chargeFromAgreementPage(page, normalAgreement, '12.505', 'x');
  await expect(page.getByText('PHP takes at most 2 decimal places.')).toBeVisible();
  await chargeFromAgreementPage(page, normalAgreement, '0.50', 'x');
  await page.getByRole('button', { name: 'Confirm charge of ₱0.50' }).click();
  await expect(page.getByText(/₱0\.50: /).first()).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('agreement-payments').locator('tbody tr')).toHaveCount(1);
});

test('a low-balance wallet is declined and the reason is shown', async ({ page, browser }) => {
  const agreementId = await gcashAgreement(browser, 'low-balance');
  await signInOk(page, ADMIN.email, ADMIN.password);
  await chargeFromAgreementPage(page, agreementId, '50.00', 'Big order');
  await page.getByRole('button', { name: 'Confirm charge of ₱50.00' }).click();
  await expect(page.getByText(/Declined: .*balance/i)).toBeVisible();
  await expect(page.getByTestId('agreement-payments')).toContainText('FAILED');
});

async function paymentLink(page: Page, amount: string): Promise<string> {
  await page.goto(`/dashboard/agreements/${normalAgreement}`);
  const form = page.locator('section[aria-labelledby="request-heading"]');
  await form.getByLabel('Amount (PHP)').fill(amount);
  await form.getByLabel('Description').fill('Monthly subscription');
  await form.getByRole('button', { name: 'Create payment link' }).click();
  const url = await page.getByTestId('payment-request-url').textContent();
  return new URL(url!).pathname;
}

test('buyer one-click confirm with JavaScript off, phone size, in Filipino; the used link shows the result', async ({ page, browser }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  const link = await paymentLink(page, '125.00');
  const context = await browser.newContext({ javaScriptEnabled: false, ...devices['iPhone 13'] });
  const buyer = await context.newPage();
  await buyer.goto(`${link}?lang=fil`);
  await expect(buyer.locator('html')).toHaveAttribute('lang', 'fil');
  await expect(buyer.getByTestId('pay-heading')).toContainText('₱125.00');
  // The merchant's name as settings hold it (another spec may have renamed the merchant).
  await expect(buyer.getByTestId('pay-heading')).toHaveText(/^Magbayad ng ₱125\.00 kay \S.+$/);
  await expect(buyer.locator('body')).toContainText('GCash');
  expect(await buyer.locator('script').count()).toBe(0);
  // (axe needs JavaScript in the page: the JS-on test below checks the same views.)
  await buyer.getByRole('button', { name: 'Kumpirmahin ang bayad' }).click();
  await expect(buyer.getByTestId('pay-result')).toHaveAttribute('data-status', 'succeeded', { timeout: 20_000 });
  await expect(buyer.getByRole('heading', { level: 1 })).toHaveText('Tapos na ang bayad');
  // The link used again: the result, not a second confirm button.
  await buyer.goto(`${link}?lang=fil`);
  await expect(buyer.getByRole('button', { name: 'Kumpirmahin ang bayad' })).toHaveCount(0);
  await expect(buyer.getByTestId('pay-result')).toHaveAttribute('data-status', 'succeeded');
  await context.close();
  await page.goto(`/dashboard/agreements/${normalAgreement}`);
  await expect(page.getByTestId('agreement-payments')).toContainText('₱125.00');
});

test('buyer confirm with JavaScript on; a forged form is refused and charges nothing', async ({ page, browser }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  const link = await paymentLink(page, '99.00');
  const context = await browser.newContext();
  const buyer = await context.newPage();
  const forged = await buyer.request.post(`${link}/confirm`, { form: { formToken: 'forged' } });
  expect(forged.status()).toBe(403);
  await buyer.goto(`${link}?lang=en`);
  await expect(buyer.getByTestId('pay-heading')).toHaveText(/^Pay ₱99\.00 to \S.+$/);
  await expectAxeClean(buyer);
  await buyer.getByRole('button', { name: 'Confirm payment' }).click();
  await expect(buyer.getByRole('heading', { level: 1 })).toHaveText('Payment complete', { timeout: 20_000 });
  await expectAxeClean(buyer);
  await context.close();
});

test('staff cancel from the payment page within the window returns the money; the button then explains why not', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto(`/dashboard/agreements/${normalAgreement}`);
  await page.getByTestId('agreement-payments').getByRole('link', { name: '₱99.00' }).click();
  await expect(page).toHaveURL(/\/dashboard\/payments\/[0-9a-f-]{36}$/);
  await page.getByLabel('Reason for cancelling').fill('Ordered twice by mistake');
  await page.getByRole('button', { name: 'Cancel payment' }).click();
  await expect(page.getByTestId('cancel-submit-confirm')).toContainText('₱99.00');
  await page.getByTestId('cancel-submit-yes').click();
  // The page re-renders with the payment CANCELLED: the button now says why it cannot be used again.
  await expect(page.getByTestId('cancel-blocked')).toHaveText(/(already cancelled|Only a successful payment can be cancelled)\./);
  await page.reload();
  await expect(page.getByTestId('cancel-blocked')).toHaveText(/(already cancelled|Only a successful payment can be cancelled)\./);
});

test('a viewer sees no money buttons and is refused when replaying the charge action', async ({ page, browser }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await createStaff(page, VIEWER);
  const context = await browser.newContext();
  const viewer = await context.newPage();
  await signInOk(viewer, VIEWER.email, VIEWER.password);
  await viewer.goto(`/dashboard/agreements/${normalAgreement}`);
  await expect(viewer.getByTestId('agreement-payments')).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Review charge' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Create payment link' })).toHaveCount(0);
  expect(chargeActionRequest).not.toBeNull();
  const headers = { ...chargeActionRequest!.headers };
  delete headers.cookie;
  const replay = await viewer.request.post(chargeActionRequest!.url, { headers, data: chargeActionRequest!.body });
  expect(await replay.text()).toContain('forbidden');
  await viewer.reload();
  await expect(viewer.getByTestId('agreement-payments').locator('tbody tr')).toHaveCount(3);
  await context.close();
});

test('the Developers page lists the calls, filters by endpoint, and works at 360 px', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/developers?endpoint=pay');
  const rows = page.getByTestId('api-call-row');
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.allTextContents()) expect(text).toContain('pay');
  // Redacted: no access token ever reaches the page.
  await rows.first().getByText('Details').click();
  await expect(page.locator('pre').first()).not.toContainText(/"paymentMethodId":\s*"[A-Za-z0-9]{20,}"/);
  await expectAxeClean(page);
  await page.goto(`/dashboard/agreements/${normalAgreement}`);
  await expectAxeClean(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await context.close();
});
