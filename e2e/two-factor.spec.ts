// Staff second factor (PCI DSS 4.0 8.4.2): an admin enrolls an authenticator app from the QR page, signs in with
// a code, uses a recovery code once (a second use is refused), and is asked for a fresh code before a refund
// above the merchant's step-up threshold.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, createStaff, expectAxeClean, freshTotpCode, rememberTotpSecret, signInOk, totpCodeForStep } from './helpers';

const TESS = { name: 'Tess Factor', email: 'tess-admin@e2e.test', role: 'admin' as const, password: 'tess-admin-password-77' };
const DATA_DIR = process.env.E2E_DATA_DIR ?? '.data/e2e';

test.describe.configure({ mode: 'serial' });

/** The password step alone: the portal then asks for the second factor. */
async function passwordStep(page: Page) {
  await page.goto('/sign-in');
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Email').fill(TESS.email);
  await page.getByLabel('Password').fill(TESS.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/sign-in\/two-factor$/, { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

const codeField = (page: Page) => page.getByLabel('Code from your authenticator app, or a recovery code');

test('an admin enrolls TOTP from the QR page, signs in with a code, and uses a recovery code once', async ({ page }) => {
  test.setTimeout(180_000);
  await signInOk(page, ADMIN.email, ADMIN.password);
  await createStaff(page, TESS);
  await expect(page.getByTestId(`staff-row-${TESS.email}`).getByTestId('second-factor-status')).toHaveText('Second factor: Not set up');
  await signOut(page);

  // Enrollment: the QR code and its key; nothing else opens until it is done.
  await passwordStep(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Set up your second factor' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code to add Daikou to your authenticator app' })).toBeVisible();
  await expectAxeClean(page);
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  rememberTotpSecret(TESS.email, secret);
  await page.goto('/dashboard/payments');
  await expect(page).toHaveURL(/\/sign-in\/two-factor$/);
  // The same key after the reload; a wrong code is refused.
  await expect(page.getByTestId('totp-secret')).toHaveText(secret);
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Six-digit code').fill(totpCodeForStep(secret, Math.floor(Date.now() / 30_000) + 40));
  await page.getByRole('button', { name: 'Turn on the second factor' }).click();
  await expect(page.locator('#totp-code-error')).toHaveText('That code is not right. Check the time on your phone and try the current code.');
  await page.getByLabel('Six-digit code').fill(await freshTotpCode(TESS.email, secret));
  await page.getByRole('button', { name: 'Turn on the second factor' }).click();
  // Ten recovery codes, shown this once.
  await expect(page.getByTestId('recovery-code')).toHaveCount(10);
  const recoveryCodes = await page.getByTestId('recovery-code').allTextContents();
  expect(new Set(recoveryCodes).size).toBe(10);
  await expectAxeClean(page);
  await page.getByRole('link', { name: 'I have saved them — continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await signOut(page);

  // The next sign-in: password, then the app's code.
  await passwordStep(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Enter your code' })).toBeVisible();
  await expectAxeClean(page);
  await codeField(page).fill(await freshTotpCode(TESS.email));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible({ timeout: 30_000 });
  await signOut(page);

  // A recovery code signs in once…
  await passwordStep(page);
  await codeField(page).fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible({ timeout: 30_000 });
  await signOut(page);
  // …and is refused the second time.
  await passwordStep(page);
  await codeField(page).fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.locator('#totp-code-error')).toHaveText('That code has been used already. Wait for the next code from your app.');
  await expect(page).toHaveURL(/\/sign-in\/two-factor$/);

  // Lost the phone: the page says to ask another admin; nothing is ever emailed.
  await page.getByRole('link', { name: 'Lost your phone or authenticator app?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lost your authenticator?' })).toBeVisible();
  await expect(page.getByText('Daikou never sends codes, keys or reset links by email')).toBeVisible();
  await expectAxeClean(page);
  await page.getByRole('link', { name: 'Back to the code' }).click();
  await page.waitForLoadState('networkidle');
  await codeField(page).fill(await freshTotpCode(TESS.email));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible({ timeout: 30_000 });
  await page.goto('/dashboard/settings/users');
  await expect(page.getByTestId(`staff-row-${TESS.email}`).getByTestId('second-factor-status')).toHaveText('Second factor: On');
  // Nobody resets their own factor: another admin must.
  await expect(page.getByTestId(`staff-row-${TESS.email}`).getByText('Another admin must reset your own second factor.')).toBeVisible();
});

test('above the step-up threshold a refund asks for a fresh code first', async ({ page }) => {
  test.setTimeout(180_000);
  await signInOk(page, TESS.email, TESS.password);
  const thresholds = page.getByLabel('Ask for a fresh code above (per currency, in minor units)');
  const section = page.locator('section[aria-labelledby="two-factor-heading"]');
  const saveThresholds = async (value: string) => {
    await page.goto('/dashboard/settings');
    await page.waitForLoadState('networkidle');
    await thresholds.fill(value);
    await section.getByRole('button', { name: 'Save second-factor settings' }).click();
    await expect(section.getByText('Saved.')).toBeVisible();
  };
  await saveThresholds('PHP=10000');
  try {
    const { paymentId } = JSON.parse(readFileSync(path.join(DATA_DIR, 'e2e-refund-fixtures.json'), 'utf8')) as { paymentId: string };
    await page.goto(`/dashboard/payments/${paymentId}`);
    await page.waitForLoadState('networkidle');
    const rows = await page.getByTestId('refund-row').count();
    await page.getByLabel('Amount to refund (PHP)').fill('150.00');
    await page.getByLabel('Reason', { exact: true }).fill('Large refund, checked twice');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    // The refund asks again, naming the amount and the customer.
    await page.getByTestId('refund-submit-yes').click();
    // Asked for a code; nothing refunded yet.
    const stepUp = page.getByLabel('Code from your authenticator app');
    await expect(stepUp).toBeVisible();
    await expect(page.locator('#step-up-code-error')).toHaveText('This amount needs a fresh code from your authenticator app.');
    await expect(page.getByTestId('refund-row')).toHaveCount(rows);
    await expectAxeClean(page);
    await stepUp.fill(await freshTotpCode(TESS.email));
    await page.getByLabel('Reason', { exact: true }).fill('Large refund, checked twice');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    // The refund asks again, naming the amount and the customer.
    await page.getByTestId('refund-submit-yes').click();
    await expect(page.getByText('Refunded ₱150.00.')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('refund-row')).toHaveCount(rows + 1);
  } finally {
    // The threshold is merchant-wide: the suite's other specs refund without it.
    await saveThresholds('');
  }
});
