import { readFileSync } from 'node:fs';
import { expect, test, type Browser } from '@playwright/test';
import { ADMIN, authorizeGcash, expectAxeClean, signInOk } from './helpers';

/**
 * Billing schedules (issue 22): staff create a monthly schedule from an agreement page, see the next five dates
 * before saving, then pause and resume it on the schedule's page.
 */
const fixtures = JSON.parse(readFileSync(`${process.env.E2E_DATA_DIR ?? '.data/e2e'}/e2e-fixtures.json`, 'utf8')) as Record<'ph', string[]>;
// From the 13th link on (the pool holds 20), skipping any another spec used already.
const phLinks = [...fixtures.ph.slice(12), ...fixtures.ph.slice(0, 12)];

test.describe.configure({ mode: 'serial', timeout: 150_000 });

const gcashAgreement = (browser: Browser) => authorizeGcash(browser, phLinks);

test('staff create a monthly schedule with its five next dates, then pause and resume it', async ({ page, browser }) => {
  const agreementId = await gcashAgreement(browser);
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto(`/dashboard/agreements/${agreementId}`);
  const section = page.locator('section[aria-labelledby="schedules-heading"]');
  await section.getByText('Create schedule', { exact: true }).first().click();
  await section.getByLabel('Amount (PHP)').fill('499.00');
  await section.getByLabel('Description').fill('Monthly membership');
  await section.getByLabel('Anchor day of month').fill('31');
  await section.getByRole('button', { name: 'Preview next dates' }).click();
  const preview = section.getByTestId('schedule-preview').locator('li');
  await expect(preview).toHaveCount(5);
  const dates = await preview.allTextContents();
  for (const d of dates) expect(d).toMatch(/^\d{4}-\d{2}-(28|29|30|31)$/);
  await expect(page.getByText('No schedule on this agreement.')).toBeVisible();

  // Bad input: an amount below GCash's minimum is refused, saying why, and nothing is saved.
  await section.getByLabel('Amount (PHP)').fill('0.50');
  await section.getByRole('button', { name: 'Create schedule' }).click();
  await expect(section.getByText(/below the minimum of 1\.00 PHP/).first()).toBeVisible();
  await expect(section.getByLabel('Description')).toHaveValue('Monthly membership');

  await section.getByLabel('Amount (PHP)').fill('499.00');
  await section.getByRole('button', { name: 'Create schedule' }).click();
  await expect(section.getByText('Schedule created: ₱499.00. Next charges:')).toBeVisible();
  await expectAxeClean(page);
  await section.getByRole('link', { name: 'Open the schedule' }).click();
  await expect(page).toHaveURL(/\/dashboard\/schedules\/[0-9a-f-]{36}$/);
  await expect(page.getByText('Active', { exact: true }).first()).toBeVisible();

  await page.getByLabel('Reason for pausing (optional)').fill('customer on holiday');
  await page.getByRole('button', { name: 'Pause' }).click();
  // The page re-renders with the new status: the buttons are now the ones a paused schedule allows.
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('schedule-event').filter({ hasText: 'customer on holiday' })).toBeVisible();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('schedule-event')).toHaveCount(3);
  await expectAxeClean(page);

  // The list, filtered by status.
  await page.goto('/dashboard/schedules?status=ACTIVE');
  await expect(page.getByTestId('schedule-row').filter({ hasText: 'Monthly membership' }).first()).toBeVisible();
  await page.goto('/dashboard/schedules?status=PAUSED');
  await expect(page.getByTestId('schedule-row').filter({ hasText: 'Monthly membership' })).toHaveCount(0);
});
