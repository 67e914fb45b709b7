// Destructive actions ask in words before they act (issue 26): cancel, refund, revoke, link revoke, schedule cancel
// and API-key revoke name what they act on (the amount and the customer; a key by its name and prefix), and the
// question holds with JavaScript off — the first press posts the form, the server
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

test('a schedule is cancelled (at period end or now) only after the question naming its amount and customer, with JavaScript off', async ({ page, browser, context }) => {
  const agreementId = await authorizeGcash(browser, phLinks);
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto(`/dashboard/agreements/${agreementId}`);
  const section = page.locator('section[aria-labelledby="schedules-heading"]');
  await section.getByText('Create schedule', { exact: true }).first().click();
  await section.getByLabel('Amount (PHP)').fill('45.00');
  await section.getByLabel('Description').fill('No-JS cancel plan');
  // Ten days ahead: outside the upcoming-charge reminder's window (3 days by default), so the worker's minutely
  // email job puts no reminder on the timeline while the test counts its events (it did 3 days ahead, by timing).
  await section.getByLabel('Start date').fill(new Date(Date.now() + 8 * 3_600_000 + 10 * 86_400_000).toISOString().slice(0, 10));
  await section.getByRole('button', { name: 'Create schedule' }).click();
  await expect(section.getByText('Schedule created: ₱45.00. Next charges:')).toBeVisible();
  await page.reload();
  const scheduleUrl = (await page.locator('a[href^="/dashboard/schedules/"]').first().getAttribute('href'))!;

  const noJs = await noJsContext(browser, context);
  await noJs.goto(scheduleUrl);
  // At period end: the first press only asks; "Go back" sends nothing.
  await noJs.getByRole('button', { name: 'Cancel at period end' }).click();
  await expect(noJs.getByTestId('schedule-cancel-end-confirm')).toContainText(/Cancel .+'s schedule of ₱45\.00 at the end of this period\?/);
  await expect(noJs.getByRole('button', { name: 'Cancel now' })).toBeEnabled();
  await expectAxeCleanAsRendered(browser, noJs);
  await noJs.getByTestId('schedule-cancel-end-back').click();
  await expect(noJs.getByTestId('schedule-cancel-end-confirm')).toHaveCount(0);
  await expect(noJs.getByTestId('schedule-event')).toHaveCount(1);
  // Now: asked, then "Yes" cancels.
  await noJs.getByRole('button', { name: 'Cancel now' }).click();
  await expect(noJs.getByTestId('schedule-cancel-now-confirm')).toContainText(/Cancel .+'s schedule of ₱45\.00 now\?/);
  await expectAxeCleanAsRendered(browser, noJs);
  await noJs.getByTestId('schedule-cancel-now-yes').click();
  await noJs.goto(scheduleUrl);
  await expect(noJs.getByRole('button', { name: 'Cancel now' })).toHaveCount(0);
  await expect(noJs.getByRole('main')).toContainText('Canceled');
  await noJs.context().close();
});

test('an API key is revoked only after the question naming it and its prefix, with JavaScript off', async ({ page, browser, context }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  const name = `No-JS key ${Date.now()}`;
  await page.goto('/dashboard/settings/api-keys');
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('api-key-secret')).toHaveValue(/^dk_/);
  const secret = await page.getByTestId('api-key-secret').inputValue();

  const noJs = await noJsContext(browser, context);
  await noJs.goto('/dashboard/settings/api-keys');
  const row = noJs.getByTestId('api-key-row').filter({ hasText: name });
  await row.getByRole('button', { name: `Revoke the key ${name}` }).click();
  const question = noJs.getByTestId('api-key-row').filter({ hasText: name }).getByTestId('api-key-revoke-confirm');
  await expect(question).toContainText(`Revoke the API key “${name}” (${secret.slice(0, 16)}…)?`);
  await expect(row.getByTestId('api-key-status')).toHaveText('Active');
  // Only this row asks.
  await expect(noJs.getByTestId('api-key-revoke-confirm')).toHaveCount(1);
  await expectAxeCleanAsRendered(browser, noJs);
  await row.getByTestId('api-key-revoke-yes').click();
  await noJs.goto('/dashboard/settings/api-keys');
  await expect(noJs.getByTestId('api-key-row').filter({ hasText: name }).getByTestId('api-key-status')).toContainText('Revoked');
  await noJs.context().close();
});

test('Refund and Cancel are axe-clean in both states: enabled on a succeeded payment, disabled with the reason on a failed one', async ({ page, browser, context }) => {
  const agreementId = await authorizeGcash(browser, phLinks);
  await signInOk(page, ADMIN.email, ADMIN.password);
  await charge(page, agreementId, '23.00');
  const succeededUrl = (await page.getByTestId('agreement-payments').getByRole('link', { name: '₱23.00' }).getAttribute('href'))!;
  await page.goto(succeededUrl);
  await expect(page.getByRole('button', { name: 'Cancel payment' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Refund', exact: true })).toBeEnabled();
  await expect(page.getByTestId('cancel-blocked')).toHaveCount(0);
  await expect(page.getByTestId('refund-blocked')).toHaveCount(0);
  await expectAxeClean(page);
  // With JavaScript the question is asked in the page itself: axe-clean too, and "Go back" leaves it as it was.
  await page.getByLabel('Reason for cancelling').fill('Axe check');
  await page.getByRole('button', { name: 'Cancel payment' }).click();
  await expect(page.getByTestId('cancel-submit-confirm')).toContainText(/Cancel .+'s payment of ₱23\.00\?/);
  await expectAxeClean(page);
  await page.getByTestId('cancel-submit-back').click();
  await expect(page.getByRole('button', { name: 'Cancel payment' })).toBeEnabled();

  const noJs = await noJsContext(browser, context);
  await noJs.goto(succeededUrl);
  await expect(noJs.getByRole('button', { name: 'Cancel payment' })).toBeEnabled();
  await expectAxeCleanAsRendered(browser, noJs);

  // A declined charge (the simulator's low-balance account): both buttons disabled, each saying why.
  const lowBalance = await authorizeGcash(browser, phLinks, 'low-balance');
  await page.goto(`/dashboard/agreements/${lowBalance}`);
  const form = page.locator('section[aria-labelledby="charge-heading"]');
  await form.getByLabel('Amount (PHP)').fill('50.00');
  await form.getByLabel('Description').fill('Declined for axe');
  await form.getByRole('button', { name: 'Review charge' }).click();
  await page.getByRole('button', { name: 'Confirm charge of ₱50.00' }).click();
  await expect(page.getByText(/Declined: .*balance/i)).toBeVisible({ timeout: 30_000 });
  await page.reload();
  const failedUrl = (await page.getByTestId('agreement-payments').getByRole('link', { name: '₱50.00' }).first().getAttribute('href'))!;
  await page.goto(failedUrl);
  await expectDisabledWithReason(page, 'cancel-blocked');
  await expectDisabledWithReason(page, 'refund-blocked');
  await expectAxeClean(page);
  await noJs.goto(failedUrl);
  await expectDisabledWithReason(noJs, 'cancel-blocked');
  await expectDisabledWithReason(noJs, 'refund-blocked');
  await expectAxeCleanAsRendered(browser, noJs);
  await noJs.context().close();
});
