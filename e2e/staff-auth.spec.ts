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
  await signInOk(page, ADMIN.email, ADMIN.password);
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

test('ten failures lock the account: the right password is then refused with the same message', async ({ page }) => {
  for (let i = 0; i < 10; i++) {
    await signIn(page, LOCKME.email, `wrong-password-${i}`);
    await expect(page.locator('form').getByRole('alert')).toHaveText('Incorrect email or password.');
  }
  await signIn(page, LOCKME.email, LOCKME.password);
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
    headers: { 'Next-Action': actionId('updateStaffUserAction'), 'Content-Type': 'text/plain;charset=UTF-8', Origin: new URL(page.url()).origin },
    data: JSON.stringify([null, { userId: viewerId, role: 'admin' }]),
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
