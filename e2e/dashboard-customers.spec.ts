import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, createStaff, expectAxeClean, signInOk } from './helpers';

const VIEWER = { name: 'Cora Viewer', email: 'customers-viewer@e2e.test', role: 'viewer' as const, password: 'viewer-password-123' };
const REFERENCE = `e2e-ph-${Date.now().toString(36)}`;
const WALLETS = ['GCASH', 'KAKAOPAY', 'ALIPAY_CN', 'TRUEMONEY'];

/** The id Next gave a server action in this build, read from the build's own manifest. */
function actionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as { node: Record<string, { exportedName: string }> };
  const entry = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName);
  if (!entry) throw new Error(`no server action ${exportedName} in this build`);
  return entry[0];
}


async function openCustomer(page: Page) {
  await page.goto('/dashboard/customers');
  await page.getByTestId(`customer-row-${REFERENCE}`).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Maria Santos' })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test('an admin saves the merchant settings: name, contracted wallets and operator refund limits', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/settings');
  const form = page.getByRole('form', { name: 'Edit settings' });
  await expect(form).toBeVisible();
  await form.getByLabel('Merchant name').fill('Daikou E2E Store');
  // Start from none (the start-up may have seeded some), then tick exactly these.
  for (const box of await form.locator('input[name^="method."]').all()) await box.uncheck();
  for (const code of WALLETS) await form.locator(`input[name="method.${code}"]`).check();
  await form.getByLabel('Operator refund limits').fill('PHP=500000\nkrw = 100000');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByText('Settings saved.')).toBeVisible();
  await expectAxeClean(page);

  await page.reload();
  for (const code of WALLETS) await expect(page.locator(`input[name="method.${code}"]`)).toBeChecked();
  await expect(page.locator('input[name="method.PAYPAY"]')).not.toBeChecked();
  await expect(page.getByLabel('Operator refund limits')).toHaveValue('KRW=100000\nPHP=500000');
  const readOnly = page.locator('dl');
  await expect(readOnly).toContainText('Daikou E2E Store');
  // The read-only view names the wallets.
  for (const name of ['GCash', 'Kakao Pay', 'Alipay', 'TrueMoney']) await expect(readOnly).toContainText(name);

  // A malformed limit line is refused with a message on the field, and nothing is saved.
  await page.getByLabel('Operator refund limits').fill('PHP=5.00');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Line 1: write CURRENCY=minor units')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Operator refund limits')).toHaveValue('KRW=100000\nPHP=500000');
});

test('the settings form works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext();
  await signInOk(await context.newPage(), ADMIN.email, ADMIN.password);
  const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState() });
  const page = await noJs.newPage();
  await page.goto('/dashboard/settings');
  await page.locator('input[name="method.MAYA"]').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.goto('/dashboard/settings');
  await expect(page.locator('input[name="method.MAYA"]')).toBeChecked();
  for (const code of WALLETS) await expect(page.locator(`input[name="method.${code}"]`)).toBeChecked();
  await noJs.close();
  await context.close();
});

test('an admin adds a customer, creates authorization links with URL and QR code, and revokes one', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Customers' })).toBeVisible();
  await expectAxeClean(page);

  await page.getByLabel('Reference').fill(REFERENCE);
  await page.getByLabel('Name').fill('Maria Santos');
  await page.getByLabel('Email').fill('maria@example.test');
  await page.getByLabel('Phone').fill('+63 917 123 4567');
  await page.getByLabel('Country').fill('ph');
  await page.getByLabel('Preferred language').selectOption('fil');
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(page.getByText('Customer added.')).toBeVisible();
  const row = page.getByTestId(`customer-row-${REFERENCE}`);
  await expect(row).toContainText('PH');
  await expect(row).toContainText('Filipino');
  await expect(row).toContainText(/GMT[+-]\d/);

  // The same reference again is refused.
  await page.getByLabel('Reference').fill(REFERENCE);
  await page.getByLabel('Name').fill('Someone Else');
  await page.getByRole('button', { name: 'Add customer' }).click();
  await expect(page.getByText('A customer with this reference already exists.')).toBeVisible();

  await openCustomer(page);
  await expect(page.getByText('No authorization links yet.')).toBeVisible();
  await expect(page.getByText('No agreements yet')).toBeVisible();
  await page.getByLabel('Link valid for').selectOption('168');
  await page.getByRole('button', { name: 'Create authorization link' }).click();
  await expect(page.getByTestId('authorization-link')).toHaveCount(1);
  await page.getByLabel('Link valid for').selectOption('24');
  await page.getByRole('button', { name: 'Create authorization link' }).click();
  await expect(page.getByTestId('authorization-link')).toHaveCount(2);

  const urls = page.getByLabel('Authorization link URL');
  await expect(urls).toHaveCount(2);
  for (const input of await urls.all()) {
    await expect(input).toHaveAttribute('readonly', '');
    await expect(input).toHaveValue(/^http:\/\/localhost:\d+\/authorize\/[A-Za-z0-9_-]{32}$/);
  }
  await expect(page.getByRole('img', { name: /QR code of the authorization link/ })).toHaveCount(2);
  const firstUrl = await urls.first().inputValue();
  await expect(page.getByText(`${firstUrl}?app=1`)).toBeVisible();
  await expectAxeClean(page);

  // Revoke the newer link (24 hours): the older one stays open with its URL and QR code.
  const newest = page.getByTestId('authorization-link').first();
  await newest.getByRole('button', { name: /^Revoke/ }).click();
  // Asked in words first, naming the customer and the link's expiry.
  await expect(newest.getByTestId('revoke-link-submit-confirm')).toContainText('expires');
  await newest.getByTestId('revoke-link-submit-yes').click();
  await expect(page.locator('[data-testid="authorization-link"][data-link-status="REVOKED"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="authorization-link"][data-link-status="OPEN"]')).toHaveCount(1);
  await expect(page.getByLabel('Authorization link URL')).toHaveCount(1);
  await expect(page.getByLabel('Authorization link URL')).not.toHaveValue(firstUrl);
  await expect(page.getByRole('img', { name: /QR code of the authorization link/ })).toHaveCount(1);
  await expectAxeClean(page);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agreements' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Agreements' })).toBeVisible();
  await expectAxeClean(page);
  await page.goto('/dashboard/agreements?status=ACTIVE');
  await expect(page.getByRole('heading', { level: 1, name: 'Agreements' })).toBeVisible();

  await createStaff(page, VIEWER);
});

test('a buyer authorizes GCash through the link; staff see the agreement in the list and its timeline', async ({ page, browser }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await openCustomer(page);
  const linkUrl = await page.getByLabel('Authorization link URL').inputValue();

  const buyer = await browser.newContext();
  const buyerPage = await buyer.newPage();
  await buyerPage.goto(linkUrl);
  await buyerPage.locator('button[data-wallet="GCASH"]').click();
  await expect(buyerPage).toHaveURL(/\/wallet\/authorize\//);
  await buyerPage.locator('button.primary').click();
  await expect(buyerPage).toHaveURL(new RegExp(`^${new URL(linkUrl).origin}/authorize/`));
  await buyer.close();

  await page.reload();
  await expect(page.locator('[data-testid="authorization-link"][data-link-status="USED"]')).toHaveCount(1);
  await expect(page.getByRole('table', { name: 'Agreements of Maria Santos' })).toContainText('GCash');
  await expect(page.getByLabel('Authorization link URL')).toHaveCount(0);
  // A fresh link for the viewer test to find.
  await page.getByRole('button', { name: 'Create authorization link' }).click();
  await expect(page.getByLabel('Authorization link URL')).toHaveCount(1);

  await page.goto('/dashboard/agreements');
  const row = page.getByTestId('agreement-row').filter({ hasText: REFERENCE });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Active');
  await expect(row).toContainText('Maria Santos');
  await expectAxeClean(page);

  // The status filter is a plain GET form.
  await page.getByLabel('Status', { exact: true }).selectOption('REVOKED');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/status=REVOKED/);
  await expect(page.getByTestId('agreement-row').filter({ hasText: REFERENCE })).toHaveCount(0);
  await page.getByLabel('Status', { exact: true }).selectOption('ACTIVE');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/status=ACTIVE/);
  await page.getByTestId('agreement-row').filter({ hasText: REFERENCE }).getByRole('link', { name: /GCash/ }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'GCash agreement — Maria Santos' })).toBeVisible();
  const events = page.getByTestId('agreement-event');
  await expect(events.filter({ hasText: 'Consult' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'Token request' })).toHaveCount(1);
  await expect(events.first()).toContainText(/GMT[+-]\d/);
  await expect(page.getByRole('button', { name: 'Revoke authorization' })).toBeVisible();
  await expectAxeClean(page);
});

test('a viewer sees customers, links and agreements read-only, and cannot open settings', async ({ page }) => {
  await signInOk(page, VIEWER.email, VIEWER.password);
  await page.goto('/dashboard/customers');
  await expect(page.getByTestId(`customer-row-${REFERENCE}`)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Add a customer' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add customer' })).toHaveCount(0);
  await expectAxeClean(page);

  await openCustomer(page);
  // Open links are bearer credentials: a viewer sees that they exist, never their URL or QR code.
  await expect(page.getByLabel('Authorization link URL')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create authorization link' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
  await expectAxeClean(page);

  await page.goto('/dashboard/agreements');
  await expect(page.getByRole('heading', { level: 1, name: 'Agreements' })).toBeVisible();
  await page.getByTestId('agreement-row').filter({ hasText: REFERENCE }).getByRole('link', { name: /GCash/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'GCash agreement — Maria Santos' })).toBeVisible();
  await expect(page.getByText('Active', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Revoke authorization' })).toHaveCount(0);

  // Settings (keys, limits, contracted wallets) are for admins only: no link, and the page itself refuses.
  await expect(page.getByRole('navigation', { name: 'Main' }).first().getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await page.goto('/dashboard/settings');
  await expect(page).toHaveURL(/\/dashboard\/forbidden$/);

  // The server action itself refuses a viewer, whatever the page shows.
  // Posted as the browser posts a useActionState form: multipart, the FormData's fields prefixed "1_", the argument
  // list in field "0" (JSON arguments are refused with 415 before any action runs).
  const response = await page.request.post('/dashboard/customers', {
    headers: { 'Next-Action': actionId('createCustomerAction'), Origin: new URL(page.url()).origin },
    multipart: { '1_reference': 'viewer-made', '1_name': 'Not Allowed', '0': '[null,"$K1"]' },
  });
  expect(await response.text()).toContain('"code":"forbidden"');
});

test('an admin revokes the agreement: it becomes Revoked and the timeline records it', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/agreements?status=ACTIVE');
  await page.getByTestId('agreement-row').filter({ hasText: REFERENCE }).getByRole('link', { name: /GCash/ }).click();
  await page.getByRole('button', { name: 'Revoke authorization' }).click();
  // Destructive: asked again, naming the customer.
  await page.getByTestId('revoke-submit-yes').click();
  await expect(page.getByTestId('agreement-event').filter({ hasText: 'Revocation requested by staff: succeeded' })).toHaveCount(1);
  await expect(page.getByText('Revoked', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Revoke authorization' })).toHaveCount(0);
  await page.goto('/dashboard/agreements?status=REVOKED');
  await expect(page.getByTestId('agreement-row').filter({ hasText: REFERENCE })).toHaveCount(1);
});
