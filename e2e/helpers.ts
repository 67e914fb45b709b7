import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Browser, type Cookie, type Page } from '@playwright/test';
import { generateSync } from 'otplib';
import AxeBuilder from './axe';

/** The seeded admin; its TOTP secret is E2E_ADMIN_TOTP_SECRET (playwright.config.ts → scripts/e2e-seed.ts). */
export const ADMIN = {
  email: 'admin@e2e.test',
  password: 'e2e-admin-password-1',
  totpSecret: process.env.E2E_ADMIN_TOTP_SECRET ?? 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
};

const DATA_DIR = process.env.E2E_DATA_DIR ?? '.data/e2e';
const STATE_FILE = path.join(DATA_DIR, 'e2e-totp.json');
const PERIOD_S = 30;

/**
 * What the helpers know about second factors, kept in the run's data folder (wiped at every run) so a restarted
 * Playwright worker still knows it: each user's TOTP secret (learned when the helper enrolled them) and the
 * newest time step the suite used for them — the portal accepts each step once, so the next sign-in takes a
 * later one (a code of the current or the next step is accepted; the one before only early in a step).
 */
interface TotpState {
  secrets: Record<string, string>;
  lastStep: Record<string, number>;
  /** Each user's session cookie from their last sign-in through the form (see signInOk). */
  sessions?: Record<string, Cookie[]>;
}

function readState(): TotpState {
  try {
    if (existsSync(STATE_FILE)) return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as TotpState;
  } catch {
    // A half-written file: start again (a used step is then refused and the next one tried).
  }
  return { secrets: {}, lastStep: {} };
}

function writeState(state: TotpState): void {
  try {
    writeFileSync(STATE_FILE, JSON.stringify(state));
  } catch {
    // No data folder (a spec run against another server): state stays in memory only.
  }
}

export function rememberTotpSecret(email: string, secret: string): void {
  const state = readState();
  state.secrets[email.toLowerCase()] = secret;
  writeState(state);
}

export function totpSecretOf(email: string): string | undefined {
  if (email.toLowerCase() === ADMIN.email) return ADMIN.totpSecret;
  return readState().secrets[email.toLowerCase()];
}

/** The code for a time step. */
export function totpCodeForStep(secret: string, step: number): string {
  return generateSync({ secret, epoch: step * PERIOD_S });
}

/**
 * A code the portal has not seen for this user yet: the earliest acceptable step after the last one used
 * (the previous step only in the first 20 s of the current one, so it cannot expire in flight); waits for the
 * next step when the current and the next are both used. Records the step as used.
 */
export async function freshTotpCode(email: string, secret = totpSecretOf(email)): Promise<string> {
  if (!secret) throw new Error(`no TOTP secret known for ${email}`);
  for (;;) {
    const nowS = Date.now() / 1000;
    const current = Math.floor(nowS / PERIOD_S);
    const state = readState();
    const last = state.lastStep[email.toLowerCase()] ?? -1;
    const candidates = [...(nowS - current * PERIOD_S <= 20 ? [current - 1] : []), current, current + 1];
    const step = candidates.find((s) => s > last);
    if (step !== undefined) {
      state.lastStep[email.toLowerCase()] = step;
      writeState(state);
      return totpCodeForStep(secret, step);
    }
    await new Promise((resolve) => setTimeout(resolve, ((current + 1) * PERIOD_S - nowS) * 1000 + 200));
  }
}

const onTwoFactor = (page: Page) => /\/sign-in\/two-factor/.test(new URL(page.url()).pathname);

/**
 * The second step of a sign-in, as staff do it: on the enrollment page, read the key shown under the QR code,
 * confirm with a code and continue past the recovery codes (kept for the spec in the state file); on the
 * verify page, enter a fresh code (a refused one — used by an earlier sign-in — is followed by the next).
 * Returns the recovery codes when it enrolled.
 */
export async function passSecondFactor(page: Page, email: string): Promise<string[] | null> {
  await page.waitForLoadState('networkidle');
  const secretShown = page.getByTestId('totp-secret');
  if (await secretShown.isVisible()) {
    const secret = (await secretShown.textContent())!.trim();
    rememberTotpSecret(email, secret);
    await page.locator('#totp-code').fill(await freshTotpCode(email, secret));
    await page.getByTestId('two-factor-submit').click();
    await expect(page.getByTestId('recovery-code')).toHaveCount(10, { timeout: 30_000 });
    const codes = await page.getByTestId('recovery-code').allTextContents();
    await page.getByTestId('recovery-continue').click();
    await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
    return codes;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.locator('#totp-code').fill(await freshTotpCode(email));
    // The action's answer says whether the code was taken (a refusal leaves the last message on the page, so
    // the page alone cannot tell this try from the previous one).
    const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-in/two-factor', { timeout: 30_000 });
    await page.getByTestId('two-factor-submit').click();
    // On success the page moves to the dashboard at once, which may take the answer's body with it.
    const body = await (await answer).text().catch(() => null);
    if (body === null || body.includes('"ok":true')) {
      await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
      return null;
    }
  }
  throw new Error(`the second factor for ${email} was refused three times`);
}

/**
 * Signs in through the form once it has hydrated (a click before hydration posts the bare form as a GET), in
 * English or Chinese, then passes the second factor when the portal asks for it (admins and every role that
 * can charge or refund). A refused password stays on /sign-in with its message, for specs that test that.
 */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.waitForLoadState('networkidle');
  await page.getByLabel(/^(Email|邮箱)$/).fill(email);
  await page.getByLabel(/^(Password|密码)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|登录)$/ }).click();
  // argon2 is deliberately slow; on a busy machine the answer takes a while.
  const outcome = await Promise.race([
    page.waitForURL((url) => url.pathname === '/dashboard' || url.pathname === '/sign-in/two-factor', { timeout: 30_000 }).then(() => 'moved' as const),
    page.locator('form').getByRole('alert').waitFor({ timeout: 30_000 }).then(() => 'refused' as const),
  ]).catch(() => 'unknown' as const);
  if (outcome !== 'moved') return;
  // The dashboard sends a session that owes its second factor on to /sign-in/two-factor.
  const overview = page.getByRole('heading', { level: 1, name: /^(Overview|概览)$/ });
  await expect.poll(async () => onTwoFactor(page) || (await overview.isVisible()), { timeout: 30_000 }).toBe(true);
  if (onTwoFactor(page)) await passSecondFactor(page, email);
}

/**
 * Signed in and on the Overview. A user's session from an earlier spec of this run is reused when the portal
 * still takes it (the session cookie only, kept in the run's state file, wiped at every run): each TOTP step
 * is accepted once, so signing in through the form every time made the suite wait out 30-second steps — half of
 * its time. A session signed out, revoked or tampered with is not taken: then the form, and the new session
 * is kept. `fresh` always goes through the form (the specs of the sign-in itself).
 */
export async function signInOk(page: Page, email: string, password: string, options: { fresh?: boolean } = {}) {
  const overview = page.getByRole('heading', { level: 1, name: /^(Overview|概览)$/ });
  const kept = options.fresh ? undefined : readState().sessions?.[email.toLowerCase()];
  if (kept) {
    await page.context().addCookies(kept);
    await page.goto('/dashboard');
    if (new URL(page.url()).pathname === '/dashboard' && (await overview.isVisible())) return;
    await page.context().clearCookies();
  }
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
  await expect(overview).toBeVisible();
  const state = readState();
  state.sessions = { ...state.sessions, [email.toLowerCase()]: (await page.context().cookies()).filter((c) => c.name.endsWith('next-auth.session-token')) };
  writeState(state);
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

/**
 * The PH buyer authorizes GCash through the first unused link of `links` (taken from the front; a link another
 * spec already used shows no wallet picker and is skipped), optionally as a simulator test account, in a
 * context of its own. Returns the agreement id.
 */
export async function authorizeGcash(browser: Browser, links: string[], account?: 'normal' | 'low-balance'): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (;;) {
    const token = links.shift();
    if (!token) throw new Error('no unused PH link left');
    await page.goto(`/authorize/${token}?lang=en`);
    if ((await page.locator('button[data-wallet="GCASH"]').count()) > 0) break;
  }
  await page.locator('button[data-wallet="GCASH"]').click();
  await expect(page).toHaveURL(/\/wallet\/authorize\//);
  if (account) await page.locator('#account').selectOption(account);
  await page.locator('button.primary').click();
  await expect(page).toHaveURL(/\/authorize\/result\/[0-9a-f-]{36}/);
  const id = /\/authorize\/result\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await context.close();
  return id;
}
