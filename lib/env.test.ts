import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, EnvError, liveGatewayProblems, parseEnv } from './env';

const KEY = Buffer.alloc(32, 7).toString('base64');
const valid = { AUTH_SECRET: 'x'.repeat(40), TOKEN_ENCRYPTION_KEY: KEY, TOKEN_INDEX_KEY: KEY };

describe('parseEnv', () => {
  it('fills defaults for the embedded set-up', () => {
    const env = parseEnv(valid);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATA_DIR).toBe('.data');
    expect(env.APP_URL).toBe('http://localhost:3000');
    expect(env.ALIPAY_GATEWAY_URL).toBe('http://127.0.0.1:4010');
    expect(env.ALIPAY_TIMEOUT_MS).toBe(15_000);
    expect(env.DATABASE_POOL_SIZE).toBe(4);
  });

  it('takes a database pool size from 1 to 100 and names the variable otherwise', () => {
    expect(parseEnv({ ...valid, DATABASE_POOL_SIZE: '12' }).DATABASE_POOL_SIZE).toBe(12);
    expect(() => parseEnv({ ...valid, DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => parseEnv({ ...valid, DATABASE_POOL_SIZE: 'many' })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it('reports one line per problem, naming the variable and the fix', () => {
    try {
      parseEnv({ TOKEN_ENCRYPTION_KEY: 'short', DATABASE_URL: 'mysql://x', ALIPAY_KEY_VERSION: 'v1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const lines = (error as EnvError).lines;
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^AUTH_SECRET is required but not set$/),
          expect.stringMatching(/^TOKEN_ENCRYPTION_KEY must be 32 random bytes in base64/),
          expect.stringMatching(/^TOKEN_INDEX_KEY is required but not set$/),
          expect.stringMatching(/^DATABASE_URL must be a PostgreSQL URL/),
          expect.stringMatching(/^ALIPAY_KEY_VERSION must be a whole number$/),
        ]),
      );
      expect((error as EnvError).message).toContain('.env.example');
    }
  });

  it('treats an empty string as missing', () => {
    expect(() => parseEnv({ ...valid, AUTH_SECRET: '  ' })).toThrow(/AUTH_SECRET is required/);
    expect(parseEnv({ ...valid, DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('validates the ports, the simulator time scale and the build folder the scripts used to read raw', () => {
    const parsed = parseEnv({ ...valid, PORT: '3201', SIMULATOR_PORT: '4201', SIMULATOR_TIME_SCALE: '0.001', NEXT_DIST_DIR: '.next-e2e' });
    expect([parsed.PORT, parsed.SIMULATOR_PORT, parsed.SIMULATOR_TIME_SCALE, parsed.NEXT_DIST_DIR]).toEqual([3201, 4201, 0.001, '.next-e2e']);
    const defaults = parseEnv(valid);
    expect([defaults.PORT, defaults.SIMULATOR_PORT, defaults.SIMULATOR_TIME_SCALE, defaults.NEXT_DIST_DIR]).toEqual([undefined, 4010, 1, '.next']);
    try {
      parseEnv({ ...valid, PORT: '80a', SIMULATOR_PORT: '70000', SIMULATOR_TIME_SCALE: '0', NEXT_DIST_DIR: '../elsewhere' });
      expect.unreachable();
    } catch (error) {
      expect((error as EnvError).lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^PORT must be a port number from 1 to 65535/),
          expect.stringMatching(/^SIMULATOR_PORT must be a port number from 1 to 65535/),
          expect.stringMatching(/^SIMULATOR_TIME_SCALE must be above 0/),
          expect.stringMatching(/^NEXT_DIST_DIR must be a folder inside the project/),
        ]),
      );
    }
  });

  it("defaults the simulator's SFTP port and, in simulator mode only, points ANTOM_SFTP_* at it (explicit settings win)", () => {
    const local = { ...valid, DAIKOU_GATEWAY_MODE: 'simulator', SIMULATOR_PORT: '4210', SIMULATOR_SECRET: 'sim-secret' };
    expect(parseEnv(local)).toMatchObject({ SIMULATOR_SFTP_PORT: 4211, SIMULATOR_SFTP_USER: 'daikou', ANTOM_SFTP_HOST: '127.0.0.1', ANTOM_SFTP_PORT: 4211, ANTOM_SFTP_USER: 'daikou', ANTOM_SFTP_PASSWORD: 'sim-secret' });
    expect(parseEnv({ ...local, SIMULATOR_SFTP_PORT: '2222', SIMULATOR_SFTP_USER: 'me', SIMULATOR_SFTP_PASSWORD: 'pw' })).toMatchObject({ ANTOM_SFTP_PORT: 2222, ANTOM_SFTP_USER: 'me', ANTOM_SFTP_PASSWORD: 'pw' });
    // A server named explicitly is used as given.
    expect(parseEnv({ ...local, ANTOM_SFTP_HOST: 'sftp.example', ANTOM_SFTP_USER: 'u', ANTOM_SFTP_PASSWORD: 'p' })).toMatchObject({ ANTOM_SFTP_HOST: 'sftp.example', ANTOM_SFTP_PORT: 22, ANTOM_SFTP_USER: 'u', ANTOM_SFTP_PASSWORD: 'p' });
    // Against Antom (or without the mode the start-up scripts set) nothing is defaulted.
    expect(parseEnv({ ...local, DAIKOU_GATEWAY_MODE: 'antom' }).ANTOM_SFTP_HOST).toBeUndefined();
    expect(parseEnv({ ...valid, SIMULATOR_SECRET: 's' })).toMatchObject({ SIMULATOR_SFTP_PORT: 4011 });
    expect(parseEnv({ ...valid, SIMULATOR_SECRET: 's' }).ANTOM_SFTP_HOST).toBeUndefined();
    expect(() => parseEnv({ ...valid, SIMULATOR_PORT: '4010', SIMULATOR_SFTP_PORT: '4010' })).toThrow(/SIMULATOR_SFTP_PORT must differ from SIMULATOR_PORT/);
    expect(() => parseEnv({ ...valid, SIMULATOR_PORT: '65535' })).toThrow(/SIMULATOR_SFTP_PORT defaults to SIMULATOR_PORT \+ 1 = 65536/);
    expect(() => parseEnv({ ...valid, SIMULATOR_SFTP_PORT: 'x' })).toThrow(/SIMULATOR_SFTP_PORT must be a port number/);
    expect(() => parseEnv({ ...valid, SIMULATOR_SFTP_USER: 'a b' })).toThrow(/SIMULATOR_SFTP_USER must be 1–64 letters/);
  });

  it("defaults the simulator's SMTP sink port and, in simulator mode only, SMTP_URL to it (an explicit SMTP_URL wins)", () => {
    const local = { ...valid, DAIKOU_GATEWAY_MODE: 'simulator', SIMULATOR_PORT: '4210' };
    expect(parseEnv(local)).toMatchObject({ SIMULATOR_SMTP_PORT: 4213, SMTP_URL: 'smtp://127.0.0.1:4213', SMTP_FROM: 'Daikou <no-reply@daikou.local>' });
    expect(parseEnv({ ...local, SIMULATOR_SMTP_PORT: '2525' }).SMTP_URL).toBe('smtp://127.0.0.1:2525');
    expect(parseEnv({ ...local, SMTP_URL: 'smtps://u:p@mail.example:465' }).SMTP_URL).toBe('smtps://u:p@mail.example:465');
    expect(parseEnv({ ...local, DAIKOU_GATEWAY_MODE: 'antom' }).SMTP_URL).toBeUndefined();
    expect(() => parseEnv({ ...valid, SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    expect(() => parseEnv({ ...valid, SIMULATOR_PORT: '4010', SIMULATOR_SMTP_PORT: '4010' })).toThrow(/SIMULATOR_SMTP_PORT must differ from SIMULATOR_PORT/);
  });

  it('a configured gateway needs its client id and both keys (the simulator defaults would look live)', () => {
    expect(liveGatewayProblems({ ...valid, ALIPAY_GATEWAY_URL: 'https://open-sea-global.alipay.com', ALIPAY_PUBLIC_KEY: 'k' })).toEqual([
      expect.stringMatching(/^ALIPAY_CLIENT_ID is required when ALIPAY_GATEWAY_URL is set/),
      expect.stringMatching(/^ALIPAY_MERCHANT_PRIVATE_KEY is required when ALIPAY_GATEWAY_URL is set/),
    ]);
    expect(liveGatewayProblems({ ...valid, ALIPAY_GATEWAY_URL: ' ' })).toEqual([]);
  });

  it('says "is required" only for an unset variable, and the real problem for a malformed one', () => {
    expect(() => parseEnv({ ...valid, ALIPAY_TIMEOUT_MS: 'soon' })).toThrow(/ALIPAY_TIMEOUT_MS (?!is required)/);
  });

  it('.env.example documents exactly the variables lib/env.ts reads (NODE_ENV is set by the scripts)', () => {
    const example = readFileSync(path.resolve(__dirname, '..', '.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual(ENV_VARIABLES.filter((name) => name !== 'NODE_ENV').sort());
  });
});
