import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN, createStaff, signInOk } from './helpers';

// Issue 11 acceptance: the fuzz corpus sent to every route finds no 5xx, and the role × action × Origin
// matrix for every staff server action holds, against the production build (scripts/serve-next.ts).

const fixtures = JSON.parse(readFileSync(`${process.env.E2E_DATA_DIR ?? '.data/e2e'}/e2e-fixtures.json`, 'utf8')) as Record<string, string[]>;
const LINK = Object.values(fixtures).flat().at(-1)!;

function actionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync(`${process.env.NEXT_DIST_DIR || '.next'}/server/server-reference-manifest.json`, 'utf8')) as {
    node: Record<string, { exportedName: string }>;
  };
  const entry = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName);
  if (!entry) throw new Error(`no server action ${exportedName} in this build`);
  return entry[0];
}

/** One raw HTTP request (any method, path bytes as given, optional chunked body), for what browsers never send. */
function raw(base: string, input: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: number; chunkSize?: number }): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: input.method, path: input.path, headers: input.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body.length < 20_000 ? (body += c) : undefined));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(15_000, () => {
      resolve({ status: 0, body: 'no answer within 15 s' });
      req.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({ status: 499, body: 'closed by server' }) : reject(e)));
    if (input.chunks) {
      const chunk = Buffer.alloc(input.chunkSize ?? 65_536, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < input.chunks!) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    } else {
      req.end(input.body);
    }
  });
}

const SEGMENTS = ['%', '%E0%A4%A', '%00', '%0d%0aSet-Cookie:x=1', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '00000000-0000-4000-8000-000000000000', '..%2F..%2Fetc%2Fpasswd', '%F0%9F%92%A9', "'%20OR%201=1--", '%3Cscript%3E', 'a'.repeat(3000)];
const QUERIES = ['', '?authState=%', '?authState=x&authCode=' + 'y'.repeat(5000), '?lang=%00&reason=%0a', '?authState[]=1&authState[]=2', '?link=%3Cscript%3E'];
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

test('the fuzz corpus sent to every route (buyer, sign-in, health, api/auth, server actions) finds no 5xx', async ({ baseURL }) => {
  test.setTimeout(420_000);
  const base = baseURL!;
  const failures: string[] = [];
  const check = async (label: string, request: Parameters<typeof raw>[1]) => {
    const { status } = await raw(base, request);
    if (status >= 500 || status === 0) failures.push(`${status} ${label}`);
  };
  const pathTemplates = [
    (s: string) => `/authorize/${s}`,
    (s: string) => `/authorize/${s}/manage`,
    (s: string) => `/authorize/${s}/start`,
    (s: string) => `/authorize/result/${s}`,
    (s: string) => `/dashboard/customers/${s}`,
    (s: string) => `/dashboard/agreements/${s}`,
    (s: string) => `/api/auth/${s}`,
    (s: string) => `/${s}`,
  ];
  for (const template of pathTemplates) {
    for (const segment of SEGMENTS) {
      for (const method of ['GET', 'POST']) await check(`${method} ${template(segment).slice(0, 80)}`, { method, path: template(segment), headers: method === 'POST' ? { ...FORM, 'content-length': '5' } : {}, body: method === 'POST' ? 'a=%zz' : undefined });
    }
  }
  for (const path of ['/authorize/return', '/authorize/problem', `/authorize/${LINK}`, '/sign-in', '/api/health']) {
    for (const query of QUERIES) await check(`GET ${path}${query.slice(0, 60)}`, { method: 'GET', path: `${path}${query}` });
  }
  // CONNECT is unit-tested (lib/http/request-guard.test.ts): Node's client treats its answer as a tunnel.
  for (const method of ['TRACE', 'TRACK', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
    for (const path of ['/', '/sign-in', '/api/health', '/authorize/return', `/authorize/${LINK}/start`, '/dashboard']) await check(`${method} ${path}`, { method, path });
  }
  // Buyer forms: cross-site, malformed, oversize (declared and chunked), wrong type, junk agreement ids.
  for (const path of [`/authorize/${LINK}/start`, `/authorize/${LINK}/manage`]) {
    await check(`cross-site ${path}`, { method: 'POST', path, headers: { ...FORM, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, body: 'method=GCASH' });
    await check(`junk form ${path}`, { method: 'POST', path, headers: { ...FORM, 'sec-fetch-site': 'same-origin' }, body: 'agreementId=zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz&method=%%%&lang=%00' });
    await check(`json ${path}`, { method: 'POST', path, headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body: '{"method":' });
    await check(`multipart without boundary ${path}`, { method: 'POST', path, headers: { 'content-type': 'multipart/form-data', 'sec-fetch-site': 'same-origin' }, body: '--x\r\n' });
    await check(`chunked 9 MB ${path}`, { method: 'POST', path, headers: { ...FORM, 'sec-fetch-site': 'same-origin', 'transfer-encoding': 'chunked' }, chunks: 144 });
    await check(`declared 9 MB ${path}`, { method: 'POST', path, headers: { ...FORM, 'sec-fetch-site': 'same-origin', 'content-length': String(9 * 1024 * 1024) }, body: 'a=1' });
  }
  // Sign-in and next-auth: garbage credentials, no CSRF, the anonymous log endpoint (kept few: failures count per IP).
  await check('credentials junk', { method: 'POST', path: '/api/auth/callback/credentials', headers: FORM, body: 'email=%00&password=' + 'x'.repeat(10_000) + '&csrfToken=%' });
  await check('credentials json', { method: 'POST', path: '/api/auth/callback/credentials', headers: { 'content-type': 'application/json' }, body: '{"email":' });
  const log = await raw(base, { method: 'POST', path: '/api/auth/_log', headers: FORM, body: 'code=x%0a[auth]%20forged&level=error' });
  expect(log.status).toBe(404);
  // Server actions: foreign origin, malformed body, too large, unknown id — all before and after Next.
  const action = actionId('createCustomerAction');
  const host = new URL(base).host;
  await check('action foreign origin', { method: 'POST', path: '/dashboard/customers', headers: { 'next-action': action, origin: 'https://evil.example', host, 'content-type': 'text/plain;charset=UTF-8', 'content-length': '2' }, body: '[]' });
  await check('action over 1 MB', { method: 'POST', path: '/dashboard/customers', headers: { 'next-action': action, origin: base, host, 'content-type': 'text/plain;charset=UTF-8', 'content-length': String(2 * 1024 * 1024) }, body: '[]' });
  await check('action chunked', { method: 'POST', path: '/dashboard/customers', headers: { 'next-action': action, origin: base, host, 'content-type': 'text/plain;charset=UTF-8', 'transfer-encoding': 'chunked' }, chunks: 40 });
  for (const [label, body] of [['not JSON', 'not json'], ['truncated JSON', '[null,{"name":'], ['a bare number', '1'], ['empty', '']] as const) {
    await check(`action body ${label}`, { method: 'POST', path: '/dashboard/customers', headers: { 'next-action': action, origin: base, host, 'content-type': 'text/plain;charset=UTF-8', cookie: 'next-auth.session-token=forged' }, body });
  }
  await check('action unknown id', { method: 'POST', path: '/dashboard/customers', headers: { 'next-action': 'f'.repeat(42), origin: base, host, 'content-type': 'text/plain;charset=UTF-8' }, body: '[]' });
  expect(failures).toEqual([]);
});

type Role = 'admin' | 'operator' | 'viewer' | 'anonymous';
const STAFF = {
  operator: { name: 'Matrix Operator', email: 'matrix-operator@e2e.test', role: 'operator' as const, password: 'amber falcon quietly drifts' },
  viewer: { name: 'Matrix Viewer', email: 'matrix-viewer@e2e.test', role: 'viewer' as const, password: 'copper meadow sleepy harbor' },
};
/** Each staff action, who may run it, and a valid, harmless payload (unknown ids, or a fresh object). */
const ACTIONS: { name: string; path: string; allowed: Role[]; payload: () => unknown }[] = [
  // Posted to a page that renders the action's form: Next runs an action only from a page whose module graph has it.
  { name: 'revokeAgreementAction', path: `/dashboard/agreements/${randomUUID()}`, allowed: ['admin', 'operator'], payload: () => ({ agreementId: randomUUID() }) },
  { name: 'createCustomerAction', path: '/dashboard/customers', allowed: ['admin', 'operator'], payload: () => ({ reference: `matrix-${randomUUID().slice(0, 8)}`, name: 'Matrix Customer' }) },
  { name: 'createAuthorizationLinkAction', path: `/dashboard/customers/${randomUUID()}`, allowed: ['admin', 'operator'], payload: () => ({ customerId: randomUUID(), expiresInHours: '24' }) },
  { name: 'revokeAuthorizationLinkAction', path: `/dashboard/customers/${randomUUID()}`, allowed: ['admin', 'operator'], payload: () => ({ customerId: randomUUID(), linkId: randomUUID() }) },
  { name: 'updateMerchantSettingsAction', path: '/dashboard/settings', allowed: ['admin'], payload: () => ({}) },
  { name: 'createStaffUserAction', path: '/dashboard/settings/users', allowed: ['admin'], payload: () => ({ email: `m-${randomUUID().slice(0, 8)}@e2e.test`, name: 'Matrix New', role: 'viewer', password: 'violet tundra gently whistles' }) },
  { name: 'updateStaffUserAction', path: '/dashboard/settings/users', allowed: ['admin'], payload: () => ({ userId: randomUUID(), role: 'viewer' }) },
  { name: 'revokeStaffSessionsAction', path: '/dashboard/settings/users', allowed: ['admin'], payload: () => ({ userId: randomUUID() }) },
  { name: 'unlockStaffUserAction', path: '/dashboard/settings/users', allowed: ['admin'], payload: () => ({ userId: randomUUID() }) },
  { name: 'resetSecondFactorAction', path: '/dashboard/settings/users', allowed: ['admin'], payload: () => ({ userId: randomUUID() }) },
  { name: 'updateTwoFactorSettingsAction', path: '/dashboard/settings', allowed: ['admin'], payload: () => ({ stepUpThresholds: '' }) },
  { name: 'updateDunningSettingsAction', path: '/dashboard/settings', allowed: ['admin'], payload: () => ({ ladder: '1, 3, 5, 7', afterLadder: 'PAST_DUE' }) },
  { name: 'updateScheduleEmailSettingsAction', path: '/dashboard/settings', allowed: ['admin'], payload: () => ({ reminderDays: '0' }) },
];

test('role × action × Origin: only permitted roles from our own origin get past the action wrapper; nothing answers 5xx', async ({ browser, page, baseURL }) => {
  test.setTimeout(240_000);
  await signInOk(page, ADMIN.email, ADMIN.password);
  for (const user of Object.values(STAFF)) await createStaff(page, user);
  const pages: Record<Role, Page> = { admin: page, operator: await browser.newPage(), viewer: await browser.newPage(), anonymous: await browser.newPage() };
  await signInOk(pages.operator, STAFF.operator.email, STAFF.operator.password);
  await signInOk(pages.viewer, STAFF.viewer.email, STAFF.viewer.password);
  const origins: Record<string, string | undefined> = { same: new URL(baseURL!).origin, foreign: 'https://evil.example', null: 'null', absent: undefined };
  const failures: string[] = [];
  for (const action of ACTIONS) {
    const id = actionId(action.name);
    for (const role of Object.keys(pages) as Role[]) {
      for (const [originName, origin] of Object.entries(origins)) {
        // As the browser sends a useActionState reducer's (previousState, formData): multipart, the FormData's
        // fields prefixed "1_", the argument list in field "0" (JSON arguments are refused with 415).
        const fields = Object.fromEntries(Object.entries(action.payload() as Record<string, string>).map(([k, v]) => [`1_${k}`, v]));
        const response = await pages[role].request.post(action.path, {
          headers: { 'Next-Action': id, ...(origin ? { Origin: origin } : {}) },
          multipart: { ...fields, '0': '[null,"$K1"]' },
          maxRedirects: 0,
        });
        const text = await response.text();
        const cell = `${action.name} × ${role} × ${originName}: ${response.status()} ${text.slice(0, 400)}`;
        if (response.status() >= 500) failures.push(cell);
        else if (originName === 'foreign' || originName === 'null') {
          if (response.status() !== 403) failures.push(cell);
        } else if (role === 'anonymous') {
          // The proxy sends cookie-less dashboard requests to sign-in; a forged cookie reaches the wrapper.
          const toSignIn = response.status() === 307 && (response.headers()['location'] ?? '').endsWith('/sign-in');
          if (!toSignIn && !text.includes('"code":"unauthenticated"')) failures.push(cell);
        } else if (!action.allowed.includes(role)) {
          // Refused with the typed answer, never a success.
          if (text.includes('"ok":true') || !text.includes('"code":"forbidden"')) failures.push(cell);
        } else if (/"code":"(forbidden|unauthenticated)"/.test(text)) failures.push(cell);
      }
    }
  }
  expect(failures).toEqual([]);
});

test('a viewer sees an open link only as a status: no URL, no QR code (bearer credential)', async ({ page, browser }) => {
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/customers');
  // A seeded customer (scripts/e2e-seed.ts) with open links.
  await page.getByRole('link', { name: 'Maria Santos' }).first().click();
  await expect(page).toHaveURL(/\/dashboard\/customers\/[0-9a-f-]{36}$/);
  const customerUrl = page.url();
  await expect(page.getByTestId('authorization-link').first()).toBeVisible();
  const viewer = await browser.newPage();
  await signInOk(viewer, STAFF.viewer.email, STAFF.viewer.password);
  await viewer.goto(customerUrl);
  await expect(viewer.getByTestId('authorization-link').first()).toBeVisible();
  const html = await viewer.content();
  expect(html).not.toMatch(/\/authorize\/[A-Za-z0-9_-]{16,}/);
  await expect(viewer.locator('svg[role="img"]')).toHaveCount(0);
});

test('CSP form-action: dashboard forms post only to us; buyer pages also to the wallet gateway', async ({ request }) => {
  const signInCsp = (await request.get('/sign-in')).headers()['content-security-policy'] ?? '';
  expect(signInCsp).toContain("form-action 'self'");
  expect(signInCsp).not.toMatch(/form-action 'self' \S/);
  const buyerCsp = (await request.get(`/authorize/${LINK}`)).headers()['content-security-policy'] ?? '';
  expect(buyerCsp).toMatch(/form-action 'self' http:\/\/127\.0\.0\.1:\d+/);
});
