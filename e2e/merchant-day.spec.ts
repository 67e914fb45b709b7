// The dashboard in the merchant's day, on a phone (issue 26): the header's search, time zone, language and sign-out
// fit at 390 px and 320 px without overlapping or sideways scroll; the payments list's filters fold into
// "Filters" so the list starts on the first screen; the zone is named in the header and on the Overview, and a
// staff member's own zone (Seoul) replaces the merchant's for them. Axe on the header and the list.
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, expectAxeClean, signInOk } from './helpers';

type Box = { name: string; x: number; y: number; width: number; height: number };

async function headerBoxes(page: Page): Promise<Box[]> {
  const bar = page.getByTestId('header-bar');
  const parts = { search: bar.getByTestId('header-search'), zone: bar.getByTestId('header-time-zone'), language: bar.locator('select#locale'), signOut: bar.getByRole('button', { name: 'Sign out' }) };
  const boxes: Box[] = [];
  for (const [name, locator] of Object.entries(parts)) {
    await expect(locator).toBeVisible();
    const box = (await locator.boundingBox())!;
    boxes.push({ name, ...box });
  }
  return boxes;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;
}

async function expectFits(page: Page, width: number) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll, 'no sideways scroll').toBeLessThanOrEqual(width);
  const boxes = await headerBoxes(page);
  for (const box of boxes) expect(box.x + box.width, `${box.name} inside the screen`).toBeLessThanOrEqual(width + 0.5);
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!), `${boxes[i]!.name} and ${boxes[j]!.name} do not overlap`).toBe(false);
}

test('phone: header fits at 390 and 320 px, the zone is named, the list starts on the first screen, axe-clean', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await signInOk(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId('header-time-zone')).toHaveText(/Shanghai \(GMT\+8\)/);
  await expect(page.getByTestId('overview-timezone')).toContainText('Asia/Shanghai (GMT+8)');
  await expectFits(page, 390);

  await page.goto('/dashboard/payments');
  const filters = page.getByTestId('filters-disclosure');
  await expect(filters).toBeVisible();
  await expect(filters).not.toHaveAttribute('open', '');
  const firstRow = page.locator('table tbody tr').first();
  const empty = page.getByText(/No payments/).first();
  const firstThing = (await firstRow.count()) > 0 ? firstRow : empty;
  await expect(firstThing).toBeInViewport();
  await expectFits(page, 390);
  await expectAxeClean(page);

  // A filter shows as a chip; removing it is one link.
  await page.goto('/dashboard/payments?status=FAILED');
  const chip = page.getByTestId('filter-chip');
  await expect(chip).toHaveCount(1);
  await expect(chip).toHaveAccessibleName(/Remove filter Status/);
  await expectAxeClean(page);
  await chip.click();
  await expect(page).toHaveURL(/\/dashboard\/payments$/);

  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/dashboard/payments');
  await expectFits(page, 320);
});

test('a staff member in Seoul sees KST; following the merchant again brings GMT+8 back', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.getByTestId('header-time-zone').click();
  await expect(page).toHaveURL(/\/dashboard\/time-zone$/);
  await page.waitForLoadState('networkidle');
  await page.locator('select#own-time-zone').selectOption('Asia/Seoul');
  await page.getByTestId('time-zone-form-own').getByRole('button', { name: 'Save time zone' }).click();
  await expect(page.getByTestId('time-zone-form-own').getByText('Time zone saved.')).toBeVisible();
  await page.goto('/dashboard');
  await expect(page.getByTestId('header-time-zone')).toHaveText(/Seoul \(GMT\+9\)/);
  await expect(page.getByTestId('overview-timezone')).toContainText('Asia/Seoul (GMT+9)');
  await expectAxeClean(page);
  await page.goto('/dashboard/reconciliation');
  await expect(page.getByTestId('recon-day-zone')).toContainText('GMT+8');

  await page.goto('/dashboard/time-zone');
  await page.waitForLoadState('networkidle');
  await page.locator('select#own-time-zone').selectOption('');
  await page.getByTestId('time-zone-form-own').getByRole('button', { name: 'Save time zone' }).click();
  await expect(page.getByTestId('time-zone-form-own').getByText('Time zone saved.')).toBeVisible();
  await page.goto('/dashboard');
  await expect(page.getByTestId('header-time-zone')).toHaveText(/Shanghai \(GMT\+8\)/);
});
