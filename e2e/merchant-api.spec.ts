// Merchant API keys end to end: an admin creates a key in Settings → API keys, sees the secret once, a
// curl-style request with it works (and shows up as the key's last use), the admin revokes it, and the
// very next request with it is refused.
import { expect, test } from '@playwright/test';
import { ADMIN, authorizeGcash, expectAxeClean, signInOk } from './helpers';

test('an admin creates an API key (shown once), uses it over HTTP, revokes it, and it is refused', async ({ page, request, browser }) => {
  // The first request to each API route loads it: slow on a shared 2-core machine.
  test.setTimeout(180_000);
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/settings');
  await page.getByRole('link', { name: 'Manage API keys' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();

  await page.getByLabel('Name').fill('Order service');
  await page.getByLabel('Access').selectOption('read_write');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secretField = page.getByTestId('api-key-secret');
  await expect(secretField).toHaveValue(/^dk_test_[A-Za-z0-9_-]{43}$/);
  const secret = await secretField.inputValue();
  await expect(page.getByText('Copy this key now: it is shown only once')).toBeVisible();
  await expectAxeClean(page);

  // As curl would: a bearer key, JSON, an Idempotency-Key; no browser cookies.
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'idempotency-key': `e2e-${Date.now()}` };
  const created = await request.post('/api/v1/customers', { headers, data: { reference: `e2e-api-${Date.now()}`, name: 'API Customer', country: 'PH' } });
  expect(created.status()).toBe(201);
  const customer = (await created.json()) as { id: string; object: string };
  expect(customer.object).toBe('customer');
  const got = await request.get(`/api/v1/customers/${customer.id}`, { headers: { authorization: `Bearer ${secret}` } });
  expect(got.status()).toBe(200);
  const spec = await request.get('/api/v1/openapi.json');
  const doc = (await spec.json()) as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/schedules', '/v1/schedules/{id}/pause', '/v1/schedules/{id}/resume', '/v1/schedules/{id}/cancel', '/v1/payment_requests']));

  // Ten identical requests at once with one Idempotency-Key through the real server: one customer, ten identical bodies.
  const replayHeaders = { ...headers, 'idempotency-key': `e2e-replay-${Date.now()}` };
  const replayBody = { reference: `e2e-replay-${Date.now()}`, name: 'Replay Customer', country: 'PH' };
  const replays = await Promise.all(Array.from({ length: 10 }, () => request.post('/api/v1/customers', { headers: replayHeaders, data: replayBody })));
  expect(replays.map((r) => r.status())).toEqual(Array(10).fill(201));
  expect(new Set(await Promise.all(replays.map((r) => r.text()))).size).toBe(1);

  // Schedules are served: a schedule on an unknown agreement is a typed 404 naming the field; the list pages.
  const noAgreement = await request.post('/api/v1/schedules', {
    headers: { ...headers, 'idempotency-key': `e2e-schedule-${Date.now()}` },
    data: { agreement_id: '00000000-0000-4000-8000-000000000000', amount: '49900', description: 'Monthly box', interval: 'month', start_date: '2030-01-01' },
  });
  expect(noAgreement.status()).toBe(404);
  expect(((await noAgreement.json()) as { error: { code: string; param: string } }).error).toMatchObject({ code: 'resource_missing', param: 'agreement_id' });
  const schedules = await request.get('/api/v1/schedules?limit=5', { headers: { authorization: `Bearer ${secret}` } });
  expect(schedules.status()).toBe(200);
  expect(((await schedules.json()) as { object: string }).object).toBe('list');

  // A charge on the production server with its in-process worker: a link for the customer, the buyer agrees in the
  // wallet, then five POSTs at once with one Idempotency-Key give one succeeded charge and five identical answers,
  // which a read of the charge repeats byte for byte (the create answer is built from what the charge wrote).
  const link = await request.post('/api/v1/authorization_links', { headers: { ...headers, 'idempotency-key': `e2e-link-${Date.now()}` }, data: { customer_id: customer.id } });
  expect(link.status()).toBe(201);
  await authorizeGcash(browser, [new URL(((await link.json()) as { url: string }).url).pathname.split('/').pop()!]);
  const agreements = (await (await request.get(`/api/v1/agreements?customer_id=${customer.id}`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { data: { id: string; status: string }[] };
  expect(agreements.data).toHaveLength(1);
  expect(agreements.data[0]!.status).toBe('ACTIVE');
  const chargeHeaders = { ...headers, 'idempotency-key': `e2e-charge-${Date.now()}` };
  const charges = await Promise.all(Array.from({ length: 5 }, () => request.post('/api/v1/charges', { headers: chargeHeaders, data: { agreement_id: agreements.data[0]!.id, amount: '25050', currency: 'PHP', description: 'E2E order' } })));
  expect(charges.map((r) => r.status())).toEqual(Array(5).fill(201));
  const chargeTexts = new Set(await Promise.all(charges.map((r) => r.text())));
  expect(chargeTexts.size).toBe(1);
  const charged = JSON.parse([...chargeTexts][0]!) as { id: string; status: string; attempts: unknown[] };
  expect(charged).toMatchObject({ status: 'succeeded', attempts: [expect.objectContaining({ status: 'SUCCEEDED', amount: '25050' })] });
  expect(await (await request.get(`/api/v1/charges/${charged.id}`, { headers: { authorization: `Bearer ${secret}` } })).text()).toBe([...chargeTexts][0]);

  // The secret is never shown again; the row shows its prefix and last use.
  await page.reload();
  await expect(page.getByTestId('api-key-secret')).toHaveCount(0);
  const row = page.getByTestId('api-key-row').filter({ hasText: 'Order service' });
  await expect(row).toContainText(secret.slice(0, 16));
  await expect(row.getByTestId('api-key-last-used')).not.toHaveText('Never used');
  expect(await page.content()).not.toContain(secret);

  // Revoking asks first, naming the key and its prefix; only "Yes" revokes.
  await row.getByRole('button', { name: 'Revoke the key Order service' }).click();
  await expect(row.getByTestId('api-key-revoke-confirm')).toContainText(`Revoke the API key “Order service” (${secret.slice(0, 16)}`);
  await expect(row.getByTestId('api-key-status')).toHaveText('Active');
  await row.getByTestId('api-key-revoke-yes').click();
  await expect(row.getByTestId('api-key-status')).toContainText('Revoked');
  const refused = await request.get(`/api/v1/customers/${customer.id}`, { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('revoked_key');
});

test('an admin adds a webhook endpoint: its signing secret is shown once, the page is accessible', async ({ page }) => {
  test.setTimeout(120_000);
  await signInOk(page, ADMIN.email, ADMIN.password);
  await page.goto('/dashboard/settings/webhooks');
  await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
  await page.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/hooks');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(page.getByTestId('webhook-secret')).toHaveValue(/^whsec_/);
  await expect(page.getByTestId('webhook-endpoint').filter({ hasText: 'http://127.0.0.1:9/hooks' })).toBeVisible();
  await expectAxeClean(page);
  await page.reload();
  await expect(page.getByTestId('webhook-secret')).toHaveCount(0);
});
