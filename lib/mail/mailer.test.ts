import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type RunningSmtpSink } from '@/lib/simulator/smtp-sink';
import { smtpMailer } from './mailer';

let sink: RunningSmtpSink;

describe('smtpMailer', () => {
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('sends plain text with its language and Message-ID, logging in with the credentials in the URL', async () => {
    const mailer = smtpMailer(`smtp://user%40x:p%3Ass@127.0.0.1:${sink.port}`, 'Shop <shop@example.test>');
    await mailer.send({ to: 'buyer@example.test', subject: 'ใบเสร็จ ₱20.00', text: 'สวัสดี\nline two', language: 'th', messageId: '<s.0.receipt@daikou.local>', headers: { 'X-Daikou-Email': 'receipt' } });
    mailer.close();
    const [m] = sink.messages();
    expect(m).toMatchObject({ to: ['buyer@example.test'], subject: 'ใบเสร็จ ₱20.00', language: 'th', messageId: '<s.0.receipt@daikou.local>' });
    expect(m!.text.trim()).toBe('สวัสดี\nline two');
    expect(m!.from).toContain('shop@example.test');
    expect(m!.headers['x-daikou-email']).toBe('receipt');
  });

  it('a refused connection rejects (the email job records it as failed)', async () => {
    const mailer = smtpMailer('smtp://127.0.0.1:1', 'Shop <shop@example.test>');
    await expect(mailer.send({ to: 'b@example.test', subject: 's', text: 't', language: 'en', messageId: '<x@y>' })).rejects.toThrow();
    mailer.close();
  });
});
