// Issue 20: `npm start` without a gateway says so on every staff page, and /api/health names the gateway mode.
import { expect, test } from '@playwright/test';
import { ADMIN, signInOk } from './helpers';

const STAFF_PAGES = [
  '/dashboard',
  '/dashboard/customers',
  '/dashboard/agreements',
  '/dashboard/payments',
  '/dashboard/refunds',
  '/dashboard/notifications',
  '/dashboard/reconciliation',
  '/dashboard/customs',
  '/dashboard/developers',
  '/dashboard/settings',
  '/dashboard/settings/users',
  '/dashboard/audit',
];

test('without a gateway every staff page shows the simulator banner, and /api/health says "simulator"', async ({ page, request }) => {
  test.setTimeout(180_000);
  const health = await request.get('/api/health');
  expect(await health.json()).toMatchObject({ status: 'ok', gateway: 'simulator' });

  await signInOk(page, ADMIN.email, ADMIN.password);
  for (const url of STAFF_PAGES) {
    await page.goto(url);
    const banner = page.getByTestId('simulator-banner');
    await expect(banner, url).toBeVisible();
    await expect(banner, url).toContainText('local Antom simulator');
    await expect(banner, url).toHaveAttribute('role', 'note');
  }
  // Settings: the token encryption keys section with its count of secrets on old keys.
  await page.goto('/dashboard/settings');
  await expect(page.getByTestId('secrets-on-old-keys')).toContainText('No secret is on an old key');
});
