import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { withLogContext, correlate } from './context';
import { createLogger } from './index';

function captured() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'unit', level: 'debug', destination }) };
}

describe('lib/log', () => {
  it('writes JSON with level, name, time and the correlation id of the context', async () => {
    const { lines, logger } = captured();
    await withLogContext({ correlationId: 'req-12345678' }, async () => {
      logger.info({ route: '/x' }, 'request');
      correlate('pay-request-id-1');
      await Promise.resolve();
      logger.info('after');
    });
    logger.info('outside');
    expect(lines[0]).toMatchObject({ level: 'info', name: 'unit', msg: 'request', correlationId: 'req-12345678', route: '/x' });
    expect(typeof lines[0]!.time).toBe('string');
    expect(lines[1]).toMatchObject({ correlationId: 'pay-request-id-1', requestId: 'req-12345678' });
    expect(lines[2]!.correlationId).toBeUndefined();
  });

  it('redacts secrets by key name wherever they sit', () => {
    const { lines, logger } = captured();
    const secret = 'SECRET-VALUE-THAT-MUST-NOT-APPEAR';
    logger.info({ accessToken: secret, refreshToken: secret, password: secret, headers: { authorization: secret }, nested: { token: secret, deeper: { authCode: secret } }, body: secret }, 'x');
    const text = JSON.stringify(lines);
    expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ accessToken: '[redacted]', password: '[redacted]', headers: '[redacted]' });
  });
});
