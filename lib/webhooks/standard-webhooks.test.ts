import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook, verifyWebhook, webhookHeaders } from './standard-webhooks';

describe('Standard Webhooks signatures', () => {
  it('match the specification’s published vector', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verify with either secret during a rotation, refuse a changed body or an old timestamp', () => {
    const [older, newer] = [newWebhookSecret(), newWebhookSecret()];
    const h = webhookHeaders([newer, older], 'msg_1', 1_700_000_000, '{"a":1}');
    const headers = { id: h['webhook-id']!, timestamp: h['webhook-timestamp']!, signature: h['webhook-signature']! };
    expect(verifyWebhook(newer, headers, '{"a":1}', 1_700_000_010)).toBe(true);
    expect(verifyWebhook(older, headers, '{"a":1}', 1_700_000_010)).toBe(true);
    expect(verifyWebhook(newer, headers, '{"a":2}', 1_700_000_010)).toBe(false);
    expect(verifyWebhook(newer, headers, '{"a":1}', 1_700_001_000)).toBe(false);
  });
});
