import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, createStaff, expectAxeClean, signIn, signInOk } from './helpers';

const VIEWER = { name: 'Vera Viewer', email: 'viewer@e2e.test', role: 'viewer' as const, password: 'viewer-password-123' };
const LOCKME = { name: 'Lou Locked', email: 'lock@e2e.test', role: 'operator' as const, password: 'operator-password-123' };

/** The id Next gave a server action in this build, read from the build's own manifest. */
function actionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync(`${process.env.NEXT_DIST_DIR || '.next'}/server/server-reference-manifest.json`, 'utf8')) as {
    node: Record<string, { exportedName: string }>;
  };
  const entry = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName);
  if (!entry) throw new Error(`no server action ${exportedName} in this build`);
  return entry[0];
}

async function userIdOf(page: Page, email: string): Promise<string> {
  await page.goto('/dashboard/settings/users');
  const id = await page.getByTestId(`staff-row-${email}`).getAttribute('data-user-id');
  if (!id) throw new Error(`no row for ${email}`);
  return id;
}

test.describe.configure({ mode: 'serial' });

test('an admin signs in, sees the dashboard shell, and the pages pass axe', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password, { fresh: true });
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const name of ['Overview', 'Agreements', 'Payments', 'Refunds', 'Notifications', 'Reconciliation', 'Settings', 'Staff']) {
    await expect(nav.getByRole('link', { name })).toBeVisible();
  }
  // Other specs may already have charged by now (the suite shares one server), so the pages are checked for
  // what they are, not for being empty.
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expectAxeClean(page);
  await nav.getByRole('link', { name: 'Payments' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Payments' })).toBeVisible();
  await createStaff(page, VIEWER);
  await createStaff(page, LOCKME);
  await expectAxeClean(page);
});

test('the sign-in page passes axe and a wrong password gets one plain message', async ({ page }) => {
  await page.goto('/sign-in');
  await expectAxeClean(page);
  await signIn(page, ADMIN.email, 'not-the-password');
  await expect(page.locator('form').getByRole('alert')).toHaveText('Incorrect email or password.');
  await signIn(page, 'nobody@e2e.test', 'not-the-password');
  await expect(page.locator('form').getByRole('alert')).toHaveText('Incorrect email or password.');
  await expect(page).toHaveURL(/\/sign-in/);
});

/**
 * One wrong sign-in for `email` through next-auth's endpoint directly (the same POST the form makes), without
 * a page load in between: fast enough that the timing of the throttle below is certain.
 */
async function failSignIn(page: Page, email: string, password: string): Promise<void> {
  const { csrfToken } = (await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await page.request.post('/api/auth/callback/credentials', { form: { csrfToken, email, password, json: 'true' }, maxRedirects: 0 });
  expect(JSON.stringify(await response.json())).toContain('error=CredentialsSignin');
}

// After 3 counted failures each attempt must wait 1 s, 2 s, 4 s … and one made earlier is refused uncounted;
// the 10th counted failure locks the account (tests/integration/staff-auth.test.ts runs the whole schedule on
// a fake clock). Ten wrong attempts through the form take about a second each, so here they used to be counted
// or not depending on the machine's speed, and the right password at the end was sometimes let in. Now: three
// failures at once, then one just after each wait (1 s, 2 s), which leaves a 4 s wait — and the right password
// inside it is refused with the very same message.
test('repeated failures slow the account down: the right password is then refused with the same message', async ({ page }) => {
  for (let i = 0; i < 3; i++) await failSignIn(page, LOCKME.email, `wrong-password-${i}`);
  await page.waitForTimeout(1_200);
  await failSignIn(page, LOCKME.email, 'wrong-password-3');
  await page.waitForTimeout(2_200);
  // The form is filled first, so the right password reaches the server a moment after the fifth failure.
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(LOCKME.email);
  await page.getByLabel('Password').fill(LOCKME.password);
  await failSignIn(page, LOCKME.email, 'wrong-password-4');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('form').getByRole('alert')).toHaveText('Incorrect email or password.');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('signing out ends the session, and the old cookie no longer works', async ({ page, context }) => {
  await signInOk(page, VIEWER.email, VIEWER.password);
  const cookie = (await context.cookies()).find((c) => c.name.endsWith('next-auth.session-token'));
  expect(cookie).toBeTruthy();
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await expect(page).toHaveURL(/\/sign-in/);
  // Replaying the cookie captured before sign-out: the server-side session is revoked.
  await context.addCookies([cookie!]);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a viewer is refused the admin page and the admin server action called directly', async ({ page, browser }) => {
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signInOk(adminPage, ADMIN.email, ADMIN.password);
  const viewerId = await userIdOf(adminPage, VIEWER.email);

  await signInOk(page, VIEWER.email, VIEWER.password);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Staff' })).toHaveCount(0);
  await page.goto('/dashboard/settings/users');
  await expect(page).toHaveURL(/\/dashboard\/forbidden$/);
  await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();

  // Call the admin-only action by id, as an attacker with a viewer session would: promote self to admin.
  const response = await page.request.post('/dashboard/settings/users', {
    // As the browser posts a useActionState form (JSON arguments are refused with 415 before any action runs).
    headers: { 'Next-Action': actionId('updateStaffUserAction'), Origin: new URL(page.url()).origin },
    multipart: { '1_userId': viewerId, '1_role': 'admin', '0': '[null,"$K1"]' },
  });
  const text = await response.text();
  expect(text).toContain('"code":"forbidden"');

  // Nothing changed: the admin still sees a viewer, and the viewer is still refused.
  await adminPage.goto('/dashboard/settings/users');
  await expect(adminPage.getByTestId(`staff-row-${VIEWER.email}`)).toContainText('Viewer');
  await page.goto('/dashboard/settings/users');
  await expect(page).toHaveURL(/\/dashboard\/forbidden$/);
  await adminContext.close();
});

test('a tampered session cookie is signed out', async ({ page, context }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  const cookie = (await context.cookies()).find((c) => c.name.endsWith('next-auth.session-token'));
  if (!cookie) throw new Error('no session cookie');
  const middle = Math.floor(cookie.value.length / 2);
  const flipped = cookie.value[middle] === 'A' ? 'B' : 'A';
  await context.addCookies([{ ...cookie, value: cookie.value.slice(0, middle) + flipped + cookie.value.slice(middle + 1) }]);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('an admin can revoke another user’s sessions, which signs them out at once', async ({ page, browser }) => {
  await signInOk(page, VIEWER.email, VIEWER.password);
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signInOk(adminPage, ADMIN.email, ADMIN.password);
  await adminPage.goto('/dashboard/settings/users');
  await adminPage.getByTestId(`staff-row-${VIEWER.email}`).getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(adminPage.getByTestId(`staff-row-${VIEWER.email}`).getByRole('cell').nth(3)).toHaveText('0');
  await page.goto('/dashboard/payments');
  await expect(page).toHaveURL(/\/sign-in/);
  await adminContext.close();
});

test('the dashboard switches to Simplified Chinese', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.getByLabel('Language').selectOption('zh-CN');
  await page.getByRole('button', { name: 'Change' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '概览' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('button', { name: '切换' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
});

test('security headers are set on pages', async ({ request }) => {
  const response = await request.get('/sign-in');
  const headers = response.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
});
