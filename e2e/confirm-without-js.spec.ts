// Destructive actions ask in words before they act (issue 26): cancel, refund, revoke and link revoke name the
// amount and the customer, and the question holds with JavaScript off — the first press posts the form, the server
// action (lib/auth/staff-action.ts, `confirm: true`) answers `confirm_required`, and the page it renders asks;
// only "Yes" (confirm=1) acts. Buttons that cannot be used look disabled and say why beside them; axe-clean in
// both states. Agreements come from the real buyer authorization flow (links from the middle of the PH pool).
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { ADMIN, authorizeGcash, expectAxeClean, signInOk } from './helpers';

const fixtures = JSON.parse(readFileSync(`${process.env.E2E_DATA_DIR ?? '.data/e2e'}/e2e-fixtures.json`, 'utf8')) as Record<'ph', string[]>;
// The authorization spec takes links from the start of the pool, the payments spec from the end.
const phLinks = fixtures.ph.slice(9);

test.describe.configure({ mode: 'serial', timeout: 180_000 });

async function charge(page: Page, agreementId: string, amount: string) {
  await page.goto(`/dashboard/agreements/${agreementId}`);
  const form = page.locator('section[aria-labelledby="charge-heading"]');
  await form.getByLabel('Amount (PHP)').fill(amount);
  await form.getByLabel('Description').fill(`No-JS confirm ${amount}`);
  await form.getByRole('button', { name: 'Review charge' }).click();
  await page.getByRole('button', { name: `Confirm charge of ₱${amount}` }).click();
  await expect(page.getByText(`Charged ₱${amount}.`)).toBeVisible({ timeout: 30_000 });
}

async function noJsContext(browser: Browser, signedIn: BrowserContext): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await signedIn.storageState() });
  return context.newPage();
}

/**
 * Axe on what a page without JavaScript shows: axe itself needs scripts (and timers), so the rendered HTML, less
 * its scripts, is checked in a page of the same origin that runs them.
 */
async function expectAxeCleanAsRendered(browser: Browser, noJs: Page) {
  const html = (await noJs.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(new URL('/api/health', noJs.url()).toString());
  await page.setContent(html, { waitUntil: 'load' });
  await expectAxeClean(page);
  await context.close();
}

/** A disabled button looks it (grey, dashed, not-allowed) and is described by the sentence that says why. */
async function expectDisabledWithReason(page: Page, reasonTestId: string) {
  const reason = page.getByTestId(reasonTestId);
  await expect(reason).toBeVisible();
  const id = await reason.getAttribute('id');
  const button = page.locator(`button[aria-describedby="${id}"]`);
  await expect(button).toBeDisabled();
  const look = await button.evaluate((el) => {
    const s = getComputedStyle(el);
    return { cursor: s.cursor, border: s.borderStyle, background: s.backgroundColor };
  });
  expect(look.cursor).toBe('not-allowed');
  expect(look.border).toBe('dashed');
  expect(look.background).not.toBe('rgb(29, 78, 216)');
}

test('cancel, refund and revoke ask in words with JavaScript off; only "Yes" acts; disabled buttons say why', async ({ page, browser, context }) => {
  const agreementId = await authorizeGcash(browser, phLinks);
  await signInOk(page, ADMIN.email, ADMIN.password);
  await charge(page, agreementId, '21.00');
  await charge(page, agreementId, '22.00');
  const table = page.getByTestId('agreement-payments');
  const cancelUrl = (await table.getByRole('link', { name: '₱21.00' }).getAttribute('href'))!;
  const refundUrl = (await table.getByRole('link', { name: '₱22.00' }).getAttribute('href'))!;

  const noJs = await noJsContext(browser, context);

  // Cancel: the first press only asks, naming the amount and the customer.
  await noJs.goto(cancelUrl);
  await noJs.getByLabel('Reason for cancelling').fill('Charged by mistake');
  await noJs.getByRole('button', { name: 'Cancel payment' }).click();
  const cancelQuestion = noJs.getByTestId('cancel-submit-confirm');
  await expect(cancelQuestion).toContainText(/Cancel .+'s payment of ₱21\.00\?/);
  await expect(noJs.getByTestId('cancel-blocked')).toHaveCount(0);
  // The reason typed before the question is still there.
  await expect(noJs.getByLabel('Reason for cancelling')).toHaveValue('Charged by mistake');
  await expectAxeCleanAsRendered(browser, noJs);
  // "Go back" is a link: nothing is sent.
  await noJs.getByTestId('cancel-submit-back').click();
  await expect(cancelQuestion).toHaveCount(0);
  await expect(noJs.getByRole('button', { name: 'Cancel payment' })).toBeEnabled();
  // Asked again; "Yes" cancels.
  await noJs.getByLabel('Reason for cancelling').fill('Charged by mistake');
  await noJs.getByRole('button', { name: 'Cancel payment' }).click();
  await noJs.getByTestId('cancel-submit-yes').click();
  await noJs.goto(cancelUrl);
  await expectDisabledWithReason(noJs, 'cancel-blocked');
  await expectDisabledWithReason(noJs, 'refund-blocked');
  await expectAxeCleanAsRendered(browser, noJs);

  // Refund: the typed amount comes back formatted in the question, with the customer.
  await noJs.goto(refundUrl);
  const rows = await noJs.getByTestId('refund-row').count();
  await noJs.getByLabel('Amount to refund (PHP)').fill('5');
  await noJs.getByLabel('Reason', { exact: true }).fill('Partial refund, JavaScript off');
  await noJs.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(noJs.getByTestId('refund-submit-confirm')).toContainText(/Refund ₱5\.00 to .+\?/);
  await expect(noJs.getByTestId('refund-row')).toHaveCount(rows);
  await expectAxeCleanAsRendered(browser, noJs);
  await noJs.getByTestId('refund-submit-yes').click();
  await expect(noJs.getByText(/Refund(ed)? ₱5\.00/).first()).toBeVisible({ timeout: 30_000 });
  await noJs.goto(refundUrl);
  await expect(noJs.getByTestId('refund-row')).toHaveCount(rows + 1);
  // A refunded payment cannot be cancelled: the button looks disabled and says why.
  await expectDisabledWithReason(noJs, 'cancel-blocked');
  await expectAxeCleanAsRendered(browser, noJs);

  // Revoke: names the customer and the wallet; the first press does nothing.
  await noJs.goto(`/dashboard/agreements/${agreementId}`);
  await noJs.getByRole('button', { name: 'Revoke authorization' }).click();
  await expect(noJs.getByTestId('revoke-submit-confirm')).toContainText(/Revoke .+'s GCash authorization\?/);
  await expectAxeCleanAsRendered(browser, noJs);
  await noJs.goto(`/dashboard/agreements/${agreementId}`);
  await expect(noJs.getByRole('button', { name: 'Revoke authorization' })).toBeVisible();
  await noJs.getByRole('button', { name: 'Revoke authorization' }).click();
  await noJs.getByTestId('revoke-submit-yes').click();
  await noJs.goto(`/dashboard/agreements/${agreementId}`);
  await expect(noJs.getByRole('button', { name: 'Revoke authorization' })).toHaveCount(0);
  await noJs.context().close();
});

test('an authorization link is revoked only after the question naming the customer, with JavaScript off', async ({ page, browser, context }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  const reference = `nojs-${Date.now()}`;
  await page.goto('/dashboard/customers');
  await page.getByLabel('Reference').fill(reference);
  await page.getByLabel('Name').fill('王芳');
  await page.getByLabel('Country').fill('ph');
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(page.getByText('Customer added.')).toBeVisible();
  await page.getByTestId(`customer-row-${reference}`).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: '王芳' })).toBeVisible();
  await page.getByRole('button', { name: 'Create authorization link' }).click();
  await expect(page.getByTestId('authorization-link')).toHaveCount(1);
  const customerUrl = page.url();

  const noJs = await noJsContext(browser, context);
  await noJs.goto(customerUrl);
  const link = noJs.getByTestId('authorization-link').first();
  await link.getByRole('button', { name: /^Revoke/ }).click();
  await expect(noJs.getByTestId('revoke-link-submit-confirm')).toContainText(/Revoke 王芳's authorization link that expires .+\?/);
  await expect(noJs.locator('[data-testid="authorization-link"][data-link-status="OPEN"]')).toHaveCount(1);
  await expectAxeCleanAsRendered(browser, noJs);
  await noJs.getByTestId('revoke-link-submit-yes').click();
  await noJs.goto(customerUrl);
  await expect(noJs.locator('[data-testid="authorization-link"][data-link-status="REVOKED"]')).toHaveCount(1);
  await expectAxeCleanAsRendered(browser, noJs);
  await noJs.context().close();
});
