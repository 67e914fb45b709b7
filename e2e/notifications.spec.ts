import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, expectAxeClean, signInOk } from './helpers';

/** Links seeded by scripts/e2e-seed.ts; this spec takes them from the end so other specs keep theirs. */
const fixtures = JSON.parse(readFileSync(`${process.env.E2E_DATA_DIR ?? '.data/e2e'}/e2e-fixtures.json`, 'utf8')) as Record<'ph' | 'kr' | 'th' | 'cn', string[]>;
const SIMULATOR = `http://127.0.0.1:${process.env.E2E_SIMULATOR_PORT ?? 4110}`;

test.describe.configure({ mode: 'serial' });

async function authorize(page: Page, link: string, wallet: string, account = 'normal') {
  await page.goto(`${link}?lang=en`);
  await page.locator(`button[data-wallet="${wallet}"]`).click();
  await expect(page).toHaveURL(/\/wallet\/authorize\//);
  await page.locator('#account').selectOption(account);
  await page.locator('button.primary').click();
  await expect(page).toHaveURL(/\/authorize\/result\//);
}

/** The newest ACTIVE agreement's detail page (the one just authorized). */
async function openNewestActiveAgreement(page: Page, walletName: string): Promise<string> {
  await page.goto('/dashboard/agreements?status=ACTIVE');
  await page.getByTestId('agreement-row').first().getByRole('link', { name: walletName }).click();
  await expect(page).toHaveURL(/\/dashboard\/agreements\/[0-9a-f-]{36}$/);
  return page.url();
}

async function reloadUntil(page: Page, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await page.waitForTimeout(1000);
    await page.reload();
  }
}

let revokedAgreementUrl = '';

test('a buyer revoking in the wallet app: the dashboard shows the agreement REVOKED within seconds', async ({ page }) => {
  await authorize(page, `/authorize/${fixtures.cn.at(-1)}`, 'ALIPAY_CN');
  await signInOk(page, ADMIN.email, ADMIN.password);
  revokedAgreementUrl = await openNewestActiveAgreement(page, 'Alipay');
  // The wallet's own app (the simulator's page), as the buyer would use it: revoke every authorization there.
  await page.goto(`${SIMULATOR}/wallet/app/ALIPAY_CN/normal`);
  for (let n = await page.locator('form button.secondary').count(); n > 0; n--) await page.locator('form button.secondary').first().click();
  const started = Date.now();
  await page.goto(revokedAgreementUrl);
  await reloadUntil(page, async () => (await page.getByText('Revoked', { exact: true }).count()) > 0, 10_000);
  expect(Date.now() - started).toBeLessThan(10_000);
  await expect(page.locator('body')).toContainText('TOKEN_CANCELED');
});

test('the Notifications page lists the TOKEN_CANCELED delivery and Replay twice changes nothing', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/notifications?type=TOKEN_CANCELED');
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await expectAxeClean(page);
  // Other specs' deliveries may be listed too (e.g. a token revoked at Antom that no agreement held):
  // take the one that revoked our agreement.
  const row = page.getByTestId('delivery-row').filter({ hasText: 'Applied' }).first();
  await expect(row).toContainText('Valid');
  await row.getByRole('link').click();
  await expect(page.getByTestId('debugger-conclusion')).toContainText('Verified.');
  await expect(page.getByTestId('masked-body')).toContainText('[redacted:');
  await expectAxeClean(page);
  for (let i = 0; i < 2; i++) {
    await page.getByRole('button', { name: 'Replay this notification' }).click();
    await expect(page.getByTestId('replay-result')).toHaveText(/Replayed: No change \(duplicate\)\./);
    await page.reload();
  }
  await page.goto(revokedAgreementUrl);
  await expect(page.getByText('Revoked', { exact: true }).first()).toBeVisible();
  // At 360 px the page still works (no horizontal page scroll beyond the tables' own scroll areas).
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/dashboard/notifications');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
});

test('a short-token agreement is renewed by the refresh job before its 2-minute token expires', async ({ page }) => {
  test.setTimeout(150_000);
  await authorize(page, `/authorize/${fixtures.ph.at(-1)}`, 'GCASH', 'short-token');
  await signInOk(page, ADMIN.email, ADMIN.password);
  const url = await openNewestActiveAgreement(page, 'GCash');
  await page.goto(url);
  // A 2-minute token is due two thirds into its life (80 s); the sweep queues the job for that moment.
  await reloadUntil(page, async () => (await page.getByText(/Renewed the access token ahead of its expiry: succeeded/).count()) > 0, 120_000);
  await expect(page.getByText('Active', { exact: true }).first()).toBeVisible();
});

test('forged notifications are refused and shown on the Notifications page as one aggregated record', async ({ page, request }) => {
  const body = JSON.stringify({ notifyType: 'PAYMENT_RESULT', paymentRequestId: `forged-${Date.now()}`, result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' } });
  const headers = { 'content-type': 'application/json; charset=UTF-8', 'client-id': 'DAIKOU_LOCAL', 'request-time': new Date().toISOString(), signature: 'algorithm=RSA256,keyVersion=1,signature=Zm9yZ2Vk' };
  // Five, not more: every spec (and the simulator's real notifications) comes from 127.0.0.1, whose bucket
  // of refusals (20) must not run dry here; the 429 past it is tested in tests/integration/notify-flood.test.ts.
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await request.post('/api/alipay/notify/payment', { headers, data: body })).status());
  expect(statuses).toEqual([401, 401, 401, 401, 401]);

  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/notifications?verdict=invalid');
  const row = page.getByTestId('delivery-row').filter({ hasText: '5 deliveries like this' }).first();
  await expect(row).toContainText('Rejected');
  await expect(row).toContainText('from 127.0.0.1');
  await expectAxeClean(page);
  await row.getByRole('link').click();
  await expect(page.getByTestId('masked-body')).toContainText('forged-');
});
