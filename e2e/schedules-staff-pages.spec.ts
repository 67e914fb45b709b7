import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, authorizeGcash, expectAxeClean, signInOk } from './helpers';

/**
 * Billing schedules' staff pages (issue 22 point 4): the Overview's schedule tiles move when a schedule is created,
 * the Schedules list exports as CSV with the zone named and times ISO 8601 with their offset, and an admin sets the
 * dunning ladder and the after-ladder state in Settings (bad input refused with the reason, the change audited).
 */
const fixtures = JSON.parse(readFileSync(`${process.env.E2E_DATA_DIR ?? '.data/e2e'}/e2e-fixtures.json`, 'utf8')) as Record<'ph', string[]>;
// From the 17th link on (the pool holds 20), skipping any another spec used already.
const phLinks = [...fixtures.ph.slice(16), ...fixtures.ph.slice(0, 16)];

test.describe.configure({ mode: 'serial', timeout: 150_000 });

/** The PHP "expected in the next 7 days" tile as a number of pesos (0 when there is none). */
async function expectedPhp(page: Page): Promise<number> {
  await page.goto('/dashboard');
  await expect(page.getByTestId('overview-billing')).toBeVisible();
  const tile = page.getByTestId('billing-expected-PHP');
  if ((await tile.count()) === 0) return 0;
  const text = (await tile.locator('span').nth(1).textContent()) ?? '';
  return Number(text.replace(/[^\d.]/g, ''));
}

/** The calendar day `n` days from now in Shanghai (the schedules' default anchor zone), YYYY-MM-DD. */
const shanghaiDay = (n: number) => new Date(Date.now() + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);

test('a schedule due in three days shows in the Overview, and the Schedules list exports as CSV with the zone named', async ({ page, browser }) => {
  const agreementId = await authorizeGcash(browser, phLinks);
  await signInOk(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId('billing-past-due')).toBeVisible();
  await expect(page.getByTestId('billing-past-due')).toHaveAttribute('href', '/dashboard/schedules?status=PAST_DUE');
  await expect(page.getByTestId('billing-unpaid')).toHaveAttribute('href', '/dashboard/schedules?status=UNPAID');
  const before = await expectedPhp(page);

  await page.goto(`/dashboard/agreements/${agreementId}`);
  const section = page.locator('section[aria-labelledby="schedules-heading"]');
  await section.getByText('Create schedule', { exact: true }).first().click();
  await section.getByLabel('Amount (PHP)').fill('123.00');
  await section.getByLabel('Description').fill('Staff pages plan');
  await section.getByLabel('Start date').fill(shanghaiDay(3));
  await section.getByRole('button', { name: 'Create schedule' }).click();
  await expect(section.getByText('Schedule created: ₱123.00. Next charges:')).toBeVisible();

  // The next 7 days now expect this period too (one period at ₱123.00), and the tile links to the list.
  expect(await expectedPhp(page)).toBeCloseTo(before + 123, 2);
  await expect(page.getByTestId('billing-expected-PHP')).toContainText(/period/);
  await expectAxeClean(page);

  // The list offers the export of the same view; the export page counts the rows and names the zone.
  await page.goto('/dashboard/schedules?status=ACTIVE');
  await page.getByRole('link', { name: 'Export this view as CSV' }).click();
  await expect(page).toHaveURL(/\/dashboard\/export\/schedules\?status=ACTIVE/);
  await expect(page.getByTestId('export-count')).toBeVisible();
  await expect(page.getByText(/GMT[+-]\d/).first()).toBeVisible();
  await expectAxeClean(page);

  const response = await page.request.get('/api/export/schedules?status=ACTIVE');
  expect(response.status()).toBe(200);
  const zone = response.headers()['x-time-zone']!;
  expect(zone).toMatch(/^[A-Za-z_]+\/[A-Za-z_]+$|^UTC$/);
  expect(response.headers()['content-disposition']).toContain(zone.replaceAll('/', '_'));
  const csv = (await response.text()).replace(/^\uFEFF/, '');
  const [header, ...rows] = csv.trimEnd().split('\r\n');
  expect(header!.split(',').slice(0, 3)).toEqual(['id', 'created_at', 'status']);
  const ours = rows.find((r) => r.includes('Staff pages plan'))!.split(',');
  // created_at and next_due_at: ISO 8601 with the offset of the viewer's zone; the anchor zone in its own column.
  expect(ours[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  expect(ours.slice(2, 10)).toEqual(['ACTIVE', '', 'GCASH', 'PHP', '12300', '123.00', '₱123.00', '1 month']);
  expect(ours[11]).toBe('Asia/Shanghai');
  expect(ours[12]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  expect(Date.parse(ours[12]!)).toBe(Date.parse(`${shanghaiDay(3)}T00:00:00+08:00`));
});

test('an admin sets the dunning ladder and the after-ladder state in Settings; bad input is refused with the reason', async ({ page }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/settings');
  const dunning = page.getByTestId('settings-dunning');
  await expect(dunning.getByLabel('Retry days after the due date')).toHaveValue('1, 3, 5, 7');
  await expect(dunning.getByLabel(/^Past due/)).toBeChecked();

  await dunning.getByLabel('Retry days after the due date').fill('3, 1');
  await dunning.getByRole('button', { name: 'Save dunning settings' }).click();
  await expect(dunning.getByRole('alert').filter({ hasText: 'Days go up' }).first()).toBeVisible();
  await page.reload();
  await expect(dunning.getByLabel('Retry days after the due date')).toHaveValue('1, 3, 5, 7');

  await dunning.getByLabel('Retry days after the due date').fill('2, 4');
  await dunning.getByLabel(/^Unpaid/).check();
  await dunning.getByRole('button', { name: 'Save dunning settings' }).click();
  await expect(dunning.getByText(/^Dunning settings saved\./)).toBeVisible();
  await page.reload();
  await expect(dunning.getByLabel('Retry days after the due date')).toHaveValue('2, 4');
  await expect(dunning.getByLabel(/^Unpaid/)).toBeChecked();
  await expectAxeClean(page);

  // Audited, then put back for the other specs.
  await page.goto('/dashboard/audit?action=settings.dunning');
  await expect(page.getByRole('link', { name: 'settings.dunning' }).first()).toBeVisible();
  await page.goto('/dashboard/settings');
  await dunning.getByLabel('Retry days after the due date').fill('1, 3, 5, 7');
  await dunning.getByLabel(/^Past due/).check();
  await dunning.getByRole('button', { name: 'Save dunning settings' }).click();
  await expect(dunning.getByText(/^Dunning settings saved\./)).toBeVisible();
});
