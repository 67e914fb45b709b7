import { devices, expect, test } from '@playwright/test';
import { ADMIN, expectAxeClean, signInOk } from './helpers';

/**
 * Plans on authorization links (issue 22 point 5): staff attach a monthly plan to a customer's link; the buyer —
 * on a phone, JavaScript off, in Filipino — sees the plan before agreeing, agrees in the wallet, and cancels the
 * plan from the manage page without revoking the wallet's authorization.
 */
const REFERENCE = `e2e-plan-${Date.now().toString(36)}`;

test.describe.configure({ mode: 'serial', timeout: 150_000 });

/** A local date (Asia/Shanghai, the merchant's default zone) `days` from now, as YYYY-MM-DD. */
function shanghaiDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
}

test('a buyer sees the plan before agreeing and cancels it from the manage page, revoking the wallet only when asked (phone, JavaScript off, Filipino)', async ({ page, browser }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/customers');
  await page.getByLabel('Reference').fill(REFERENCE);
  await page.getByLabel('Name').fill('Jose Rizal');
  await page.getByLabel('Email').fill('jose@example.test');
  await page.getByLabel('Country').fill('ph');
  await page.getByLabel('Preferred language').selectOption('fil');
  await page.getByRole('button', { name: 'Add customer' }).click();
  await page.getByTestId(`customer-row-${REFERENCE}`).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Jose Rizal' })).toBeVisible();

  // Staff attach a plan: ₱499.00 every month from ten days on.
  const start = shanghaiDate(10);
  await page.getByLabel('Attach a billing plan').check();
  await page.getByLabel('Amount per charge').fill('499.00');
  await page.getByLabel('Currency', { exact: true }).selectOption('PHP');
  await page.getByLabel('Plan description (shown to the buyer)').fill('Coffee of the month');
  await page.getByLabel('Every', { exact: true }).selectOption('month');
  await page.getByLabel('First charge on').fill(start);
  await page.getByRole('button', { name: 'Create authorization link' }).click();
  const link = page.getByTestId('authorization-link').first();
  await expect(link.getByTestId('link-plan')).toContainText('₱499.00 / 1 month');
  await expectAxeClean(page);
  const url = await link.getByLabel('Authorization link URL').inputValue();
  const token = /\/authorize\/([A-Za-z0-9_-]+)$/.exec(url)![1]!;
  // A second plan on another link (weekly), to cancel later together with its wallet authorization.
  await page.getByLabel('Attach a billing plan').check();
  await page.getByLabel('Amount per charge').fill('99.00');
  await page.getByLabel('Currency', { exact: true }).selectOption('PHP');
  await page.getByLabel('Plan description (shown to the buyer)').fill('Weekly pastries');
  await page.getByLabel('Every', { exact: true }).selectOption('week');
  await page.getByLabel('First charge on').fill(start);
  await page.getByRole('button', { name: 'Create authorization link' }).click();
  await expect(page.getByTestId('link-plan')).toHaveCount(2);
  const secondUrl = await page.getByTestId('authorization-link').first().getByLabel('Authorization link URL').inputValue();

  // The buyer: a phone, no JavaScript, Filipino (the customer's language, kept in the URL).
  const buyer = await browser.newContext({ javaScriptEnabled: false, ...devices['iPhone 13'] });
  const phone = await buyer.newPage();
  await phone.goto(`/authorize/${token}`);
  await expect(phone).toHaveURL(/lang=fil/);
  const plan = phone.getByTestId('plan');
  const startWords = new Intl.DateTimeFormat('fil', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${start}T00:00:00Z`));
  await expect(plan.getByRole('heading', { name: 'Ang iyong plano' })).toBeVisible();
  await expect(plan).toContainText(`₱499.00 bawat buwan simula ${startWords}`);
  await expect(plan).toContainText('Coffee of the month');
  await expect(plan).toContainText('Ang mga wallet lang na nagbabayad sa PHP ang ipinapakita.');
  // Only PHP wallets are offered for a PHP plan.
  await expect(phone.locator('button[data-wallet="KAKAOPAY"]')).toHaveCount(0);
  await phone.screenshot({ path: 'test-results/schedule-plans-picker.png', fullPage: true });

  await phone.locator('button[data-wallet="GCASH"]').click();
  await expect(phone).toHaveURL(/\/wallet\/authorize\//);
  await phone.locator('button.primary').click();
  await expect(phone).toHaveURL(/\/authorize\/result\/[0-9a-f-]{36}/);

  // The second plan's link, agreed the same way.
  await phone.goto(`${secondUrl}?lang=fil`);
  await expect(phone.getByTestId('plan')).toContainText('₱99.00 bawat linggo');
  await phone.locator('button[data-wallet="GCASH"]').click();
  await phone.locator('button.primary').click();
  await expect(phone).toHaveURL(/\/authorize\/result\/[0-9a-f-]{36}/);

  // The manage page lists both plans with their next date and a way to cancel each.
  await phone.goto(`/authorize/${token}/manage?lang=fil`);
  const plans = phone.getByTestId('buyer-plan');
  await expect(plans).toHaveCount(2);
  const monthly = plans.filter({ hasText: 'Coffee of the month' });
  await expect(monthly).toContainText('₱499.00 bawat buwan');
  await expect(monthly).toContainText(`Susunod na singil: ${new Intl.DateTimeFormat('fil', { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(new Date(`${start}T00:00:00+08:00`))}`);
  await expect(monthly.getByLabel(/Bawiin din ang awtorisasyon ng GCash/)).not.toBeChecked();
  const revokeButtons = phone.getByRole('button', { name: 'I-cancel ang pahintulot sa GCash' });
  await expect(revokeButtons).toHaveCount(2);
  await phone.screenshot({ path: 'test-results/schedule-plans-manage.png', fullPage: true });

  // Cancel the monthly plan only: the box is not ticked, so both wallet authorizations stay.
  await monthly.getByRole('button', { name: 'Kanselahin ang planong ito' }).click();
  await expect(phone.getByRole('status')).toHaveText('Kinansela ang plano. Wala nang sisingilin para dito.');
  await expect(phone.getByTestId('buyer-plan')).toHaveCount(1);
  await expect(revokeButtons).toHaveCount(2);

  // Cancel the weekly plan and tick the box: its authorization is revoked too.
  const weekly = phone.getByTestId('buyer-plan').filter({ hasText: 'Weekly pastries' });
  await weekly.getByLabel(/Bawiin din ang awtorisasyon ng GCash/).check();
  await weekly.getByRole('button', { name: 'Kanselahin ang planong ito' }).click();
  await expect(phone.getByRole('status')).toHaveText('Kinansela ang plano at binawi ang awtorisasyon ng wallet.');
  await expect(phone.getByTestId('buyer-plan')).toHaveCount(0);
  await expect(revokeButtons).toHaveCount(1);
  await buyer.close();

  // Staff see both schedules canceled by the buyer.
  await page.goto('/dashboard/schedules?status=CANCELED');
  await expect(page.getByRole('row').filter({ hasText: 'Jose Rizal' })).toHaveCount(2);
});
