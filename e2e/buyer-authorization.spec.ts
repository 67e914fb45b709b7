import { readFileSync } from 'node:fs';
import { devices, expect, test, type Page } from '@playwright/test';
import { expectAxeClean } from './helpers';

/** Single-use link tokens per buyer, seeded by scripts/e2e-seed.ts before the server started. */
const fixtures = JSON.parse(readFileSync(`${process.env.E2E_DATA_DIR ?? '.data/e2e'}/e2e-fixtures.json`, 'utf8')) as Record<'ph' | 'kr' | 'th' | 'cn', string[]>;
const used = new Set<string>();
function linkFor(buyer: 'ph' | 'kr' | 'th' | 'cn'): string {
  const token = fixtures[buyer].find((t) => !used.has(t));
  if (!token) throw new Error(`no unused ${buyer} link left`);
  used.add(token);
  return `/authorize/${token}`;
}

test.describe.configure({ mode: 'serial' });

/** On the simulator's wallet page (another origin): pick a test account, then agree or decline. */
async function atWallet(page: Page, choice: 'agree' | 'decline', walletName: string) {
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/wallet\/authorize\//);
  await expect(page.locator('body')).toContainText(walletName);
  await expect(page.locator('body')).toContainText('AGREEMENT_PAY');
  if (choice === 'agree') await page.locator('button.primary').click();
  else await page.locator('button.secondary').click();
}

async function authorize(page: Page, link: string, wallet: string, walletName: string) {
  await page.goto(link);
  await page.locator(`button[data-wallet="${wallet}"]`).click();
  await atWallet(page, 'agree', walletName);
  await expect(page).toHaveURL(/\/authorize\/result\//);
}

test('desktop (WEB): a Philippine buyer sees PH wallets first and links GCash', async ({ page }) => {
  await page.goto(`${linkFor('ph')}?lang=en`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pay E2E Coffee Club automatically with your wallet');
  await expect(page.getByRole('heading', { name: 'Wallets in Philippines' })).toBeVisible();
  const primary = page.locator('section[aria-labelledby="wallets"] button[data-wallet]');
  await expect(primary).toHaveCount(2);
  await expect(primary.nth(0)).toHaveAttribute('data-wallet', 'GCASH');
  await expect(page.getByText('Wallets in other countries and regions')).toBeVisible();
  await expectAxeClean(page);
  // No JavaScript at all on buyer pages.
  expect(await page.locator('script').count()).toBe(0);

  await page.locator('button[data-wallet="GCASH"]').click();
  await expect(page).toHaveURL(/\/wallet\/authorize\//);
  // The simulator's wallet page is part of what buyers use in demos: it passes axe too.
  await expectAxeClean(page);
  await atWallet(page, 'agree', 'GCash');
  await expect(page).toHaveURL(/\/authorize\/result\/[0-9a-f-]{36}\?lang=en$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GCash is linked');
  await expect(page.getByText(/Wallet account: .*\*/)).toBeVisible();
  await expectAxeClean(page);

  // Reloading the result page is harmless, and so is replaying the return URL with the same code.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GCash is linked');
});

test('mobile (WAP): a Korean buyer gets Korean pages and links KakaoPay', async ({ browser }) => {
  const context = await browser.newContext({ ...devices['Pixel 7'] });
  const page = await context.newPage();
  await page.goto(linkFor('kr'));
  await expect(page).toHaveURL(/lang=ko/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('E2E Coffee Club');
  await expect(page.locator('section[aria-labelledby="wallets"] button[data-wallet]').first()).toHaveAttribute('data-wallet', 'KAKAOPAY');
  await page.locator('button[data-wallet="KAKAOPAY"]').click();
  await expect(page.locator('body')).toContainText('WAP');
  await atWallet(page, 'agree', 'Kakao Pay');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Kakao Pay');
  await expect(page.getByRole('status')).toBeVisible();
  await context.close();
});

test('APP-flagged link: Alipay CN authorizes through the app link', async ({ page }) => {
  await page.goto(`${linkFor('cn')}?app=1&lang=zh-CN`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.locator('button[data-wallet="ALIPAY_CN"]').click();
  await expect(page).toHaveURL(/via=applink/);
  await expect(page.locator('body')).toContainText('APP');
  await atWallet(page, 'agree', 'Alipay');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Alipay');
});

test('JavaScript disabled: a Thai buyer links TrueMoney in Thai', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, ...devices['iPhone 13'] });
  const page = await context.newPage();
  await page.goto(linkFor('th'));
  await expect(page.locator('html')).toHaveAttribute('lang', 'th');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('โดยอัตโนมัติ');
  await page.locator('button[data-wallet="TRUEMONEY"]').click();
  await atWallet(page, 'agree', 'TrueMoney');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('TrueMoney');
  await expect(page.getByRole('status')).toBeVisible();
  await context.close();
});

test('declining at the wallet says so and offers to start again', async ({ page }) => {
  await page.goto(`${linkFor('ph')}?lang=en`);
  await page.locator('button[data-wallet="MAYA"]').click();
  await atWallet(page, 'decline', 'Maya');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You did not authorize Maya');
  await expect(page.getByRole('link', { name: 'Choose a wallet again' })).toBeVisible();
});

async function returnUrlFromWallet(page: Page, link: string, wallet: string, beforeAgreeing?: () => Promise<void>): Promise<URL> {
  await page.goto(link);
  await page.locator(`button[data-wallet="${wallet}"]`).click();
  await expect(page).toHaveURL(/\/wallet\/authorize\//);
  await beforeAgreeing?.();
  // Stop at the redirect back: capture where the wallet sends the browser.
  const [request] = await Promise.all([page.waitForRequest((r) => r.url().includes('/authorize/return')), page.locator('button.primary').click()]);
  return new URL(request.url());
}

test('tampered, foreign-browser, replayed and expired authState are refused', async ({ page, browser }) => {
  // Tampered.
  await page.goto('/authorize/return?authState=tampered-state&authCode=whatever&lang=en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This authorization could not be completed');
  await expect(page.getByText('We could not match this return to a request of yours.')).toBeVisible();
  await expectAxeClean(page);

  // Foreign browser: the return URL opened in another browser (no buyer cookie) is refused.
  const back = await returnUrlFromWallet(page, `${linkFor('ph')}?lang=en`, 'GCASH');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GCash is linked');
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto(back.toString());
  await expect(otherPage.getByText('This authorization was started in another browser')).toBeVisible();
  await other.close();

  // Reload of the same return URL is harmless; a replay with another code is refused.
  await page.goto(back.toString());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GCash is linked');
  const replay = new URL(back);
  replay.searchParams.set('authCode', 'sim_ac_forged');
  await page.goto(replay.toString());
  await expect(page.getByText('This authorization was already completed.')).toBeVisible();

  // Expired: the e2e server's authState lives 20 s. The test account holds AUTHCODE_CREATED back, so
  // this return is the first word of the late answer (had the notification come first, Antom's signed
  // pairing would have linked the wallet within the grace, and the return would say so).
  const late = await returnUrlFromWallet(page, `${linkFor('cn')}?lang=en`, 'ALIPAY_CN', async () => {
    await page.locator('select#account').selectOption('late-auth-notification');
    await page.waitForTimeout(21_000);
  });
  await expect(page.getByText('The authorization took too long and has expired.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Start again' })).toBeVisible();
  // The same return again (a reload, the back button) says the same, not "already completed".
  await page.goto(late.toString());
  await expect(page.getByText('The authorization took too long and has expired.')).toBeVisible();
});

test('the buyer revokes an authorization from self-service', async ({ page }) => {
  const link = `${linkFor('ph')}?lang=en`;
  await authorize(page, link, 'GCASH', 'GCash');
  await page.getByRole('link', { name: 'See or cancel your authorizations' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your authorizations with E2E Coffee Club');
  const before = await page.getByRole('button', { name: /Cancel GCash authorization/ }).count();
  expect(before).toBeGreaterThan(0);
  await expectAxeClean(page);
  await page.getByRole('button', { name: /Cancel GCash authorization/ }).first().click();
  await expect(page.getByRole('status')).toHaveText('Cancelled. E2E Coffee Club can no longer charge this wallet.');
  await expect(page.getByRole('button', { name: /Cancel GCash authorization/ })).toHaveCount(before - 1);
});

test('a used link cannot start another authorization', async ({ page }) => {
  const link = linkFor('ph');
  await authorize(page, `${link}?lang=en`, 'GCASH', 'GCash');
  await page.goto(`${link}?lang=en`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link has already been used');
  await page.goto('/authorize/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?lang=en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link does not work');
});

test('a cross-site form post to start an authorization is refused', async ({ request }) => {
  const response = await request.post(`${linkFor('ph')}/start`, {
    form: { method: 'GCASH' },
    headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
});

