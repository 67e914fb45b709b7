import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keyFingerprint } from '../lib/alipay/keys';
import { testKeyPair } from '../lib/alipay/test-support';
import { EnvError } from '../lib/env';
import { listenPort, startGateway } from './launch';
import { describeGateway, loadConfig } from './load-config';

// Guards the "going live through .env silently keeps the simulator" failure: the gateway decision must
// see .env, the environment must win over it, and a configured gateway must start no simulator.

const merchant = testKeyPair('merchant');
const antom = testKeyPair('antom');
const base64Der = (key: typeof merchant.privateKey) =>
  key.export({ format: 'der', type: key.type === 'private' ? 'pkcs8' : 'spki' }).toString('base64');
const SECRETS = {
  AUTH_SECRET: 'a'.repeat(44),
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  TOKEN_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};
const LIVE = {
  ...SECRETS,
  ALIPAY_GATEWAY_URL: 'https://open-sea-global.alipay.com',
  ALIPAY_CLIENT_ID: 'SANDBOX_5YBZ1K2Y2N4L03251',
  ALIPAY_MERCHANT_PRIVATE_KEY: base64Der(merchant.privateKey),
  ALIPAY_PUBLIC_KEY: base64Der(antom.publicKey),
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project folder with an optional .env, as a merchant's checkout would have. */
function project(dotenv?: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'daikou-config-'));
  dirs.push(dir);
  if (dotenv) writeFileSync(path.join(dir, '.env'), Object.entries(dotenv).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  return dir;
}

async function simulatorStarts(loaded: ReturnType<typeof loadConfig>): Promise<number> {
  const startSimulator = vi.fn(async () => ({ close: async () => {} }));
  const stop = await startGateway(loaded, startSimulator);
  await stop();
  return startSimulator.mock.calls.length;
}

describe('loadConfig: where the gateway comes from', () => {
  it('.env alone: a gateway in .env is used as written and starts no simulator', async () => {
    const cwd = project(LIVE);
    const loaded = loadConfig({ cwd, environment: {} });
    expect(loaded.gateway).toMatchObject({ kind: 'antom', url: LIVE.ALIPAY_GATEWAY_URL, clientId: LIVE.ALIPAY_CLIENT_ID, source: '.env' });
    expect(loaded.raw.ALIPAY_MERCHANT_PRIVATE_KEY).toBe(LIVE.ALIPAY_MERCHANT_PRIVATE_KEY);
    expect(loaded.raw.ALIPAY_PUBLIC_KEY).toBe(LIVE.ALIPAY_PUBLIC_KEY);
    expect(await simulatorStarts(loaded)).toBe(0);
  });

  it('environment alone: the same, with no .env file', async () => {
    const loaded = loadConfig({ cwd: project(), environment: LIVE });
    expect(loaded.envFile).toBeNull();
    expect(loaded.gateway).toMatchObject({ kind: 'antom', url: LIVE.ALIPAY_GATEWAY_URL, source: 'environment' });
    expect(await simulatorStarts(loaded)).toBe(0);
  });

  it('both: the environment wins variable by variable, .env fills the rest', () => {
    const cwd = project({ ...LIVE, APP_URL: 'https://pay.example.com', DATABASE_URL: 'postgres://file@127.0.0.1:5432/daikou' });
    const loaded = loadConfig({
      cwd,
      environment: { ALIPAY_GATEWAY_URL: 'https://open-na-global.alipay.com', ALIPAY_CLIENT_ID: 'LIVE_CLIENT', DATABASE_URL: '' },
    });
    expect(loaded.gateway).toMatchObject({ url: 'https://open-na-global.alipay.com', clientId: 'LIVE_CLIENT', source: 'environment' });
    expect(loaded.config.APP_URL).toBe('https://pay.example.com');
    expect(loaded.raw.ALIPAY_MERCHANT_PRIVATE_KEY).toBe(LIVE.ALIPAY_MERCHANT_PRIVATE_KEY);
    // Set empty in the environment still beats .env: `DATABASE_URL=` is how the e2e suite asks for PGlite.
    expect(loaded.config.DATABASE_URL).toBeUndefined();
  });

  it('no gateway anywhere: the simulator, on SIMULATOR_PORT from .env, with the development keys', async () => {
    const cwd = project({ SIMULATOR_PORT: '4555', ALIPAY_MERCHANT_PRIVATE_KEY: LIVE.ALIPAY_MERCHANT_PRIVATE_KEY });
    const loaded = loadConfig({ cwd, environment: {} });
    expect(loaded.gateway).toMatchObject({ kind: 'simulator', url: 'http://127.0.0.1:4555', clientId: 'DAIKOU_LOCAL' });
    expect(loaded.raw.ALIPAY_GATEWAY_URL).toBe('http://127.0.0.1:4555');
    // A key set without a gateway cannot be used with the simulator: ignored, and said so.
    expect(loaded.raw.ALIPAY_MERCHANT_PRIVATE_KEY).not.toBe(LIVE.ALIPAY_MERCHANT_PRIVATE_KEY);
    expect(loaded.notices.join('\n')).toMatch(/ALIPAY_MERCHANT_PRIVATE_KEY is set but ALIPAY_GATEWAY_URL is not/);
    expect(await simulatorStarts(loaded)).toBe(1);
  });

  it('does not change process.env (the scripts decide when to apply it)', () => {
    const before = { ...process.env };
    loadConfig({ cwd: project(LIVE), environment: {} });
    expect(process.env).toEqual(before);
  });

  it('generates the local secrets once and reuses them on the next start', () => {
    const cwd = project();
    const first = loadConfig({ cwd, environment: {} });
    const second = loadConfig({ cwd, environment: {} });
    expect(first.config.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(second.config.AUTH_SECRET).toBe(first.config.AUTH_SECRET);
    expect(second.config.TOKEN_ENCRYPTION_KEY).toBe(first.config.TOKEN_ENCRYPTION_KEY);
    expect(second.raw.ALIPAY_MERCHANT_PRIVATE_KEY).toBe(first.raw.ALIPAY_MERCHANT_PRIVATE_KEY);
  });
});

describe('loadConfig: a half-configured gateway stops the start', () => {
  it('a gateway in .env without keys names each missing variable and starts nothing', () => {
    const cwd = project({ ...SECRETS, ALIPAY_GATEWAY_URL: LIVE.ALIPAY_GATEWAY_URL });
    expect(() => loadConfig({ cwd, environment: {} })).toThrow(EnvError);
    try {
      loadConfig({ cwd, environment: {} });
    } catch (error) {
      expect((error as EnvError).lines).toEqual([
        expect.stringMatching(/^ALIPAY_CLIENT_ID is required when ALIPAY_GATEWAY_URL is set/),
        expect.stringMatching(/^ALIPAY_MERCHANT_PRIVATE_KEY is required when ALIPAY_GATEWAY_URL is set/),
        expect.stringMatching(/^ALIPAY_PUBLIC_KEY is required when ALIPAY_GATEWAY_URL is set/),
      ]);
    }
  });

  it('keys pasted into each other\'s slots are named, without echoing key material', () => {
    const cwd = project({ ...LIVE, ALIPAY_MERCHANT_PRIVATE_KEY: LIVE.ALIPAY_PUBLIC_KEY, ALIPAY_PUBLIC_KEY: LIVE.ALIPAY_MERCHANT_PRIVATE_KEY });
    try {
      loadConfig({ cwd, environment: {} });
      expect.unreachable();
    } catch (error) {
      const text = (error as EnvError).lines.join('\n');
      expect(text).toMatch(/^ALIPAY_MERCHANT_PRIVATE_KEY: A public key/m);
      expect(text).toMatch(/^ALIPAY_PUBLIC_KEY: A PRIVATE key/m);
      expect(text).not.toContain(LIVE.ALIPAY_MERCHANT_PRIVATE_KEY.slice(40, 80));
    }
  });
});

describe('loadConfig: live mode is strict', () => {
  it('a gateway without TOKEN_ENCRYPTION_KEY (or AUTH_SECRET, TOKEN_INDEX_KEY) refuses to start, one line naming each, and generates nothing', () => {
    const cwd = project({ ...LIVE, TOKEN_ENCRYPTION_KEY: '', AUTH_SECRET: '', TOKEN_INDEX_KEY: '' });
    try {
      loadConfig({ cwd, environment: {} });
      expect.unreachable();
    } catch (error) {
      expect((error as EnvError).lines).toEqual([
        expect.stringMatching(/^AUTH_SECRET must be set in the environment or \.env when ALIPAY_GATEWAY_URL is set/),
        expect.stringMatching(/^TOKEN_ENCRYPTION_KEY \(or TOKEN_ENCRYPTION_KEYS\) must be set in the environment or \.env/),
        expect.stringMatching(/^TOKEN_INDEX_KEY must be set in the environment or \.env/),
      ]);
    }
    expect(existsSync(path.join(cwd, '.data', 'secrets.json'))).toBe(false);
    // Only the encryption key missing: exactly one line, naming it.
    const one = project({ ...LIVE, TOKEN_ENCRYPTION_KEY: '' });
    expect(() => loadConfig({ cwd: one, environment: {} })).toThrow(/TOKEN_ENCRYPTION_KEY \(or TOKEN_ENCRYPTION_KEYS\) must be set/);
  });

  it('a keyring (TOKEN_ENCRYPTION_KEYS) satisfies live mode; a malformed one is refused without echoing key material', () => {
    const keyring = `2:${Buffer.alloc(32, 9).toString('base64')},1:${SECRETS.TOKEN_ENCRYPTION_KEY}`;
    const loaded = loadConfig({ cwd: project({ ...LIVE, TOKEN_ENCRYPTION_KEY: '', TOKEN_ENCRYPTION_KEYS: keyring }), environment: {} });
    expect(loaded.config.TOKEN_ENCRYPTION_KEYS).toBe(keyring);
    const bad = `2:${Buffer.alloc(16, 9).toString('base64')},1:${SECRETS.TOKEN_ENCRYPTION_KEY}`;
    try {
      loadConfig({ cwd: project({ ...LIVE, TOKEN_ENCRYPTION_KEY: '', TOKEN_ENCRYPTION_KEYS: bad }), environment: {} });
      expect.unreachable();
    } catch (error) {
      const text = (error as EnvError).lines.join('\n');
      expect(text).toMatch(/TOKEN_ENCRYPTION_KEYS entry 1 \(version 2\) must be 32 random bytes/);
      expect(text).not.toContain(SECRETS.TOKEN_ENCRYPTION_KEY);
    }
  });

  it('.env.production (or any .env.* Next reads) setting ALIPAY_GATEWAY_URL is refused with the file named', () => {
    const cwd = project();
    writeFileSync(path.join(cwd, '.env.production'), `ALIPAY_GATEWAY_URL=${LIVE.ALIPAY_GATEWAY_URL}\n`);
    expect(() => loadConfig({ cwd, environment: {} })).toThrow(new RegExp(`${path.join(cwd, '.env.production').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} sets ALIPAY_GATEWAY_URL`));
    // .env.example and unrelated variables in those files are fine.
    const other = project();
    writeFileSync(path.join(other, '.env.local'), 'APP_URL=http://localhost:3000\n');
    writeFileSync(path.join(other, '.env.example'), `ALIPAY_GATEWAY_URL=${LIVE.ALIPAY_GATEWAY_URL}\n`);
    expect(loadConfig({ cwd: other, environment: {} }).gateway.kind).toBe('simulator');
  });

  it('names the gateway mode for the running app (DAIKOU_GATEWAY_MODE), whatever was set by hand', () => {
    expect(loadConfig({ cwd: project(LIVE), environment: { DAIKOU_GATEWAY_MODE: 'simulator' } }).raw.DAIKOU_GATEWAY_MODE).toBe('antom');
    expect(loadConfig({ cwd: project(), environment: { DAIKOU_GATEWAY_MODE: 'antom' } }).config.DAIKOU_GATEWAY_MODE).toBe('simulator');
  });
});

describe('describeGateway: what start-up prints', () => {
  it('live: the gateway, the client id and both key fingerprints', () => {
    const text = describeGateway(loadConfig({ cwd: project(LIVE), environment: {} })).join('\n');
    expect(text).toContain('Antom gateway: https://open-sea-global.alipay.com (ALIPAY_GATEWAY_URL from .env)');
    expect(text).toContain(`client id ${LIVE.ALIPAY_CLIENT_ID}`);
    expect(text).toContain(keyFingerprint(merchant.publicKey));
    expect(text).toContain(keyFingerprint(antom.publicKey));
    expect(text).not.toMatch(/SIMULATOR/);
    expect(text).not.toMatch(/public key 2/);
    expect(text).not.toContain(LIVE.ALIPAY_MERCHANT_PRIVATE_KEY.slice(40, 80));
  });

  it('live during a key rotation: the second Antom key and its version too', () => {
    const rotation = testKeyPair('antom-next');
    const text = describeGateway(loadConfig({ cwd: project({ ...LIVE, ALIPAY_PUBLIC_KEY_2: base64Der(rotation.publicKey), ALIPAY_PUBLIC_KEY_2_VERSION: '2' }), environment: {} })).join('\n');
    expect(text).toContain(`Antom public key 2   ${keyFingerprint(rotation.publicKey)} (keyVersion 2, rotation)`);
  });

  it('simulator: says plainly that payments go to the local simulator', () => {
    const text = describeGateway(loadConfig({ cwd: project(), environment: {} })).join('\n');
    expect(text).toMatch(/NO ANTOM GATEWAY CONFIGURED: payments go to the LOCAL SIMULATOR at http:\/\/127\.0\.0\.1:4010/);
    expect(text).toMatch(/merchant private key SHA256:/);
  });
});

describe('listenPort', () => {
  it('PORT (validated) wins, then the port of APP_URL, then 3000', () => {
    const cwd = project();
    expect(listenPort(loadConfig({ cwd, environment: { PORT: '3201', APP_URL: 'http://localhost:3100' } }).config)).toBe('3201');
    expect(listenPort(loadConfig({ cwd, environment: { APP_URL: 'http://localhost:3100' } }).config)).toBe('3100');
    expect(listenPort(loadConfig({ cwd, environment: { APP_URL: 'https://pay.example.com' } }).config)).toBe('3000');
    expect(() => loadConfig({ cwd, environment: { PORT: '3201x' } })).toThrow(/PORT must be a port number/);
  });
});
