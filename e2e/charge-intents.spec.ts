import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN, authorizeGcash, expectAxeClean, signInOk } from './helpers';

/**
 * Charge intents on the production build (issue 19): a pay whose answer is late (the simulator's debit-then-timeout
 * scenario, amounts ending 071) through the staff action and through the buyer's confirm route — no 5xx, the
 * payment shown as not yet confirmed at once, the same order reference again refused with a sentence, and one
 * SUCCEEDED payment at the end. The server runs the job worker in-process, as `npm start` does on PGlite: the
 * resolver's bundle and the action's bundle each hold their own copy of lib/alipay.
 */
const fixtures = JSON.parse(readFileSync(`${process.env.E2E_DATA_DIR ?? '.data/e2e'}/e2e-fixtures.json`, 'utf8')) as Record<'ph', string[]>;
// From the middle of the pool: the authorization spec takes links from the start, the payments spec from the end.
const phLinks = fixtures.ph.slice(6, 10);

test.describe.configure({ mode: 'serial', timeout: 150_000 });

const gcashAgreement = (browser: Browser) => authorizeGcash(browser, phLinks);

/** Records every response of 500 or above the page sees. */
function watchServerErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 500) errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return errors;
}

async function fillCharge(page: Page, agreementId: string, amount: string, reference?: string) {
  await page.goto(`/dashboard/agreements/${agreementId}`);
  const form = page.locator('section[aria-labelledby="charge-heading"]');
  await form.getByLabel('Amount (PHP)').fill(amount);
  if (reference !== undefined) await form.getByLabel('Order reference').fill(reference);
  await form.getByLabel('Description').fill('November bill');
  await form.getByRole('button', { name: 'Review charge' }).click();
  return form;
}

let agreementId: string;

test('staff charge whose pay answer is late: no 5xx, shown as not confirmed at once; the same reference again is refused; one SUCCEEDED payment', async ({ page, browser }) => {
  agreementId = await gcashAgreement(browser);
  const serverErrors = watchServerErrors(page);
  await signInOk(page, ADMIN.email, ADMIN.password);
  const form = await fillCharge(page, agreementId, '100.71');
  const reference = await form.getByLabel('Order reference').inputValue();
  expect(reference).toMatch(/^ord_[0-9a-f]{24}$/);
  await page.getByRole('button', { name: 'Confirm charge of ₱100.71' }).click();
  // The pay times out after ALIPAY_TIMEOUT_MS (15 s): the answer is "sent, not confirmed yet" — or, when Antom's
  // PAYMENT_RESULT (sent at the debit) was applied before the timeout, "charged" — never an error page.
  await expect(page.getByText(/Sent; the wallet has not confirmed yet\.|Charged ₱100\.71\./)).toBeVisible({ timeout: 40_000 });
  expect(serverErrors).toEqual([]);

  // The same order reference again — a second confirm, a colleague in another tab — sends nothing new.
  await fillCharge(page, agreementId, '100.71', reference);
  await page.getByRole('button', { name: 'Confirm charge of ₱100.71' }).click();
  await expect(page.getByText(new RegExp(`Order ${reference} is already (being charged|paid); nothing new was sent\\.`))).toBeVisible({ timeout: 20_000 });
  await expectAxeClean(page);

  // The same reference for another amount is another bill: refused, saying why.
  await fillCharge(page, agreementId, '55.00', reference);
  await page.getByRole('button', { name: 'Confirm charge of ₱55.00' }).click();
  await expect(page.getByText(`Order reference ${reference} was already used for ₱100.71; use a new order reference for a different charge.`)).toBeVisible();

  // The resolver's resend settles it: one payment, SUCCEEDED.
  await expect(async () => {
    await page.reload();
    const rows = page.getByTestId('agreement-payments').locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('SUCCEEDED');
  }).toPass({ timeout: 60_000 });
  expect(serverErrors).toEqual([]);
});

test('while a payment is unconfirmed the charge form says so and offers its reference', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  const form = await fillCharge(page, agreementId, '200.71');
  await page.getByRole('button', { name: 'Confirm charge of ₱200.71' }).click();
  await expect(page.getByText(/Sent; the wallet has not confirmed yet\.|Charged ₱200\.71\./)).toBeVisible({ timeout: 40_000 });
  const reference = await form.getByLabel('Order reference').inputValue();
  await page.goto(`/dashboard/agreements/${agreementId}`);
  const note = page.getByTestId('unresolved-attempts');
  // The resolver may already have settled it (it resends within seconds); when it has not, the form says so.
  if ((await note.count()) > 0) {
    await expect(note).toContainText('₱200.71');
    await expect(note).toContainText(reference);
    await expect(page.locator('section[aria-labelledby="charge-heading"]').getByLabel('Order reference')).toHaveValue(reference);
    await expectAxeClean(page);
  }
});

test('buyer confirm whose pay answer is late: no 5xx, the page shows the payment in progress, then paid', async ({ page, browser }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto(`/dashboard/agreements/${agreementId}`);
  const form = page.locator('section[aria-labelledby="request-heading"]');
  await form.getByLabel('Amount (PHP)').fill('300.71');
  await form.getByLabel('Description').fill('Monthly subscription');
  await form.getByRole('button', { name: 'Create payment link' }).click();
  const link = new URL((await page.getByTestId('payment-request-url').textContent())!).pathname;

  const context = await browser.newContext();
  const buyer = await context.newPage();
  const serverErrors = watchServerErrors(buyer);
  await buyer.goto(`${link}?lang=en`);
  await buyer.getByRole('button', { name: 'Confirm payment' }).click();
  await expect(buyer.getByTestId('pay-result')).toHaveAttribute('data-status', /pending|succeeded/, { timeout: 40_000 });
  await expect(buyer.getByTestId('pay-result')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  expect(serverErrors).toEqual([]);
  await context.close();
});
