import { expect, type Page } from '@playwright/test';
import AxeBuilder from './axe';

export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password-1' };

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInOk(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
}

/** Creates a staff member through the admin UI (the admin must be signed in on `page`). */
export async function createStaff(page: Page, user: { name: string; email: string; role: 'viewer' | 'operator' | 'admin'; password: string }) {
  await page.goto('/dashboard/settings/users');
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Role', { exact: true }).selectOption(user.role);
  await page.getByLabel('Initial password').fill(user.password);
  await page.getByRole('button', { name: 'Add staff member' }).click();
  await expect(page.getByText('Staff member added.')).toBeVisible();
  await expect(page.getByTestId(`staff-row-${user.email}`)).toBeVisible();
}

export async function expectAxeClean(page: Page) {
  const results = await new AxeBuilder(page).analyze();
  // Name the offending elements so a failure says where to look.
  expect(results.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(' | ')}`)).toEqual([]);
}
