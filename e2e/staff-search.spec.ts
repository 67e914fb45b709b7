// Search by what staff remember (issue 26), in Chromium on the demo rows (E2E_DEMO_DATA=1, scripts/demo/demo-data.ts):
// "santos", "maria", "王", "สม" and the start of an email find the right customers through the header's search box,
// grouped by kind with the matched part marked; "125.50 PHP" finds the one demo payment of that amount (the 07:30
// Manila coffee) and, being the only hit, opens it. The million-row timing is bench/staff-search.bench.ts's job.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, expectAxeClean, signInOk } from './helpers';

const demo = (): { manila?: { paymentRequestId: string } } | null => {
  const file = path.join(process.env.E2E_DATA_DIR ?? '.data/e2e', 'e2e-demo.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { manila?: { paymentRequestId: string } }) : null;
};

async function searchFromHeader(page: Page, q: string) {
  const box = page.getByRole('search', { name: 'Search', exact: true }).getByRole('searchbox');
  await box.fill(q);
  await box.press('Enter');
  await page.waitForLoadState('domcontentloaded');
}

/** The customer hits' names and the marked part of each, read from the results page. */
async function customerHits(page: Page): Promise<{ text: string; marked: string }[]> {
  const group = page.getByTestId('search-group-customer');
  await expect(group).toBeVisible();
  return group.getByTestId('search-hit').evaluateAll((items) =>
    items.map((li) => ({ text: li.querySelector('a')?.textContent ?? '', marked: li.querySelector('mark')?.textContent ?? '' })),
  );
}

test.describe('header search on the demo data', () => {
  test.skip(!demo()?.manila, 'needs the demo rows: run with E2E_DEMO_DATA=1');

  test.beforeEach(async ({ page }) => {
    await signInOk(page, ADMIN.email, ADMIN.password);
  });

  const NAMES: { q: string; customer: RegExp; marked: RegExp }[] = [
    { q: 'santos', customer: /^Maria Santos/, marked: /^santos$/i },
    { q: 'maria', customer: /^Maria Santos/, marked: /^maria$/i },
    { q: '王', customer: /^王芳/, marked: /^王$/ },
    { q: 'สม', customer: /^สมชาย ใจดี/, marked: /^สม$/ },
  ];
  for (const { q, customer, marked } of NAMES) {
    test(`"${q}" finds the customer by any part of the name, marked`, async ({ page }) => {
      await searchFromHeader(page, q);
      await expect(page).toHaveURL(/\/dashboard\/search\?q=/);
      const hits = await customerHits(page);
      expect(hits.some((h) => customer.test(h.text)), hits.map((h) => h.text).join(' | ')).toBe(true);
      // Every customer hit carries the query, and the marked part is exactly the query (case aside).
      for (const hit of hits) expect(hit.marked, hit.text).toMatch(marked);
      await expect(page.getByTestId('search-group-customer').getByText(/Matched .*name/i).first()).toBeVisible();
    });
  }

  test('the start of an email finds that customer; the results page is axe-clean', async ({ page }) => {
    // Demo customers are buyer1@example.com … buyer40@example.com: "buyer3" is buyer3 and buyer30–39.
    await searchFromHeader(page, 'buyer3');
    const group = page.getByTestId('search-group-customer');
    await expect(group).toBeVisible();
    const details = await group.getByTestId('search-hit').allInnerTexts();
    expect(details.length).toBeGreaterThanOrEqual(2);
    expect(details.some((d) => d.includes('buyer3@example.com')), details.join(' | ')).toBe(true);
    for (const d of details) expect(d).toMatch(/buyer3\d?@example\.com/);
    await expectAxeClean(page);
  });

  test('"125.50 PHP" finds the one payment of that amount and opens it', async ({ page }) => {
    await searchFromHeader(page, '125.50 PHP');
    await expect(page).toHaveURL(/\/dashboard\/payments\/[0-9a-f-]{36}$/);
    await expect(page.getByText(demo()!.manila!.paymentRequestId).first()).toBeVisible();
    await expect(page.getByText(/₱\s?125\.50|PHP\s?125\.50/).first()).toBeVisible();
  });

  test('an amount in another spelling finds the same payment; a name nobody has finds nothing, and says so', async ({ page }) => {
    await searchFromHeader(page, 'php 125.5');
    await expect(page).toHaveURL(/\/dashboard\/payments\/[0-9a-f-]{36}$/);
    await searchFromHeader(page, 'zzqx-nobody');
    await expect(page.getByText('Nothing matches')).toBeVisible();
  });
});
