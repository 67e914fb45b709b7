import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { newWebhookSecret, webhookHeaders } from '@/lib/webhooks/standard-webhooks';

/** The README's webhook receiver (node:crypto only) accepts what the worker signs and refuses anything else. */
const README = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
const block = /<!-- webhook-receiver:[^>]*-->\s*```js\n([\s\S]*?)```/.exec(README)?.[1];
const dir = mkdtempSync(path.join(tmpdir(), 'readme-receiver-'));

describe('README webhook receiver', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies Standard Webhooks signatures as the worker makes them, during a rotation too', async () => {
    expect(block, 'README lost its webhook-receiver block').toBeTruthy();
    const file = path.join(dir, 'receiver.mjs');
    writeFileSync(file, block!);
    const { verify } = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { verify: (secret: string, headers: Record<string, string>, body: string, now?: number) => boolean };
    const [older, newer] = [newWebhookSecret(), newWebhookSecret()];
    const body = JSON.stringify({ id: 'e1', type: 'charge.succeeded', data: { object_id: randomBytes(4).toString('hex') } });
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([newer, older], 'msg_1', now, body);
    expect(verify(newer, headers, body)).toBe(true);
    expect(verify(older, headers, body)).toBe(true);
    expect(verify(newWebhookSecret(), headers, body)).toBe(false);
    expect(verify(newer, headers, `${body} `)).toBe(false);
    expect(verify(newer, { ...headers, 'webhook-id': 'msg_2' }, body)).toBe(false);
    expect(verify(newer, headers, body, now + 600)).toBe(false);
    expect(verify(newer, { ...headers, 'webhook-signature': 'v1,short' }, body)).toBe(false);
  });
});
