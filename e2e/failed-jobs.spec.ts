// The Failed jobs page (Developers → Failed jobs): admins see each background job that used up its
// retries, with its queue, id, the ids it carried, its error and attempts; viewers are refused, even
// directly. The seed (scripts/e2e-seed-failed-job.ts) leaves one failed payment-resolve job.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, createStaff, expectAxeClean, signInOk } from './helpers';

const seeded = JSON.parse(readFileSync(`${process.env.E2E_DATA_DIR ?? '.data/e2e'}/e2e-failed-job.json`, 'utf8')) as { jobId: string; paymentId: string };
const VIEWER = { name: 'Jobs Viewer', email: 'jobs-viewer@e2e.test', role: 'viewer' as const, password: 'jobs-viewer-password-1' };

/** The shared sign-in (e2e/helpers.ts): hydration, then the second factor when asked. */
const signIn = (page: Page, email: string, password: string) => signInOk(page, email, password);

test.describe.configure({ mode: 'serial' });

test('an admin finds the failed job from Developers, with its ids, error and attempts, in English and Chinese', async ({ page, context, baseURL }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/developers');
  await page.getByRole('link', { name: 'Failed jobs' }).click();
  await expect(page).toHaveURL(/\/dashboard\/developers\/failed-jobs$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Failed jobs' })).toBeVisible();

  const row = page.getByTestId('failed-job-row').filter({ hasText: seeded.jobId });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('payment-resolve');
  await expect(row).toContainText('e2e: inquiryPayment unanswered after every attempt');
  await expect(row.getByRole('cell').last()).toHaveText('1');
  await expect(row.getByRole('link', { name: `paymentId: ${seeded.paymentId}` })).toHaveAttribute('href', `/dashboard/payments/${seeded.paymentId}`);
  await expectAxeClean(page);

  await context.addCookies([{ name: 'NEXT_LOCALE', value: 'zh-CN', url: baseURL! }]);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: '失败的任务' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: '尝试次数' })).toBeVisible();
  await expectAxeClean(page);
  await context.clearCookies({ name: 'NEXT_LOCALE' });

  // A cursor past the last failure: the page says so instead of starting over.
  await page.goto(`/dashboard/developers/failed-jobs?after=${seeded.jobId}`);
  await expect(page.getByText('No older failed jobs')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Most recent failures' })).toBeVisible();
});

test('a viewer sees no link to it and is refused when opening it directly', async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await createStaff(page, VIEWER);

  const viewer = await (await browser.newContext()).newPage();
  await signIn(viewer, VIEWER.email, VIEWER.password);
  await viewer.goto('/dashboard/developers');
  await expect(viewer.getByRole('heading', { level: 1, name: 'Developers' })).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'Failed jobs' })).toHaveCount(0);
  await viewer.goto('/dashboard/developers/failed-jobs');
  await expect(viewer).toHaveURL(/\/dashboard\/forbidden$/);
  await expect(viewer.getByText(seeded.jobId)).toHaveCount(0);
});
