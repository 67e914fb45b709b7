import { createPublicKey, randomBytes } from 'node:crypto';
import { keyFingerprint, loadPrivateKey, loadPublicKey, signContent, verifyContent } from '@/lib/alipay';

export type VerdictKey = 'allGood' | 'attention' | 'selfTestPassed' | 'selfTestFailed' | 'noMerchantKey' | 'noAntomKey' | 'rotation' | 'ownKeyAsAntom' | 'keyProblem';

export interface KeyReport {
  role: 'merchant' | 'antom';
  keyVersion: string;
  fingerprint: string | null;
  bits: number | null;
  problem: string | null;
}

export interface SigningKeysCheck {
  keys: KeyReport[];
  /** Sign with our private key, verify with its public half: proves the pair Antom checks us with. */
  selfTest: 'passed' | 'failed' | 'not_configured';
  /** One plain sentence per finding (message key + values, worded under settings.keys.verdict in the dashboard messages); the first says whether all is in order. */
  verdict: { key: VerdictKey; values?: Record<string, string> }[];
}

/**
 * The Settings key panel: each configured key's fingerprint (compare it with the Antom console), and a
 * sign / verify self-test. Checks only configuration already validated at start-up; never prints a key.
 */
export function checkSigningKeys(config: {
  merchantPrivateKey?: string;
  merchantKeyVersion: string;
  antomKeys: { keyVersion: string; pem: string | undefined }[];
}): SigningKeysCheck {
  const keys: KeyReport[] = [];
  const verdict: SigningKeysCheck['verdict'] = [];
  let selfTest: SigningKeysCheck['selfTest'] = 'not_configured';
  let merchantFp: string | null = null;
  if (config.merchantPrivateKey) {
    try {
      const priv = loadPrivateKey(config.merchantPrivateKey);
      const pub = createPublicKey(priv);
      merchantFp = keyFingerprint(pub);
      keys.push({ role: 'merchant', keyVersion: config.merchantKeyVersion, fingerprint: merchantFp, bits: pub.asymmetricKeyDetails?.modulusLength ?? null, problem: null });
      const sample = `POST /self-test\nDAIKOU.${Date.now()}.${randomBytes(16).toString('hex')}`;
      selfTest = verifyContent(sample, signContent(sample, priv), pub) ? 'passed' : 'failed';
    } catch (error) {
      keys.push({ role: 'merchant', keyVersion: config.merchantKeyVersion, fingerprint: null, bits: null, problem: (error as Error).message });
      selfTest = 'failed';
    }
  }
  for (const { keyVersion, pem } of config.antomKeys) {
    if (!pem) continue;
    try {
      const key = loadPublicKey(pem);
      const fp = keyFingerprint(key);
      keys.push({ role: 'antom', keyVersion, fingerprint: fp, bits: key.asymmetricKeyDetails?.modulusLength ?? null, problem: fp === merchantFp ? 'OWN_KEY' : null });
    } catch (error) {
      keys.push({ role: 'antom', keyVersion, fingerprint: null, bits: null, problem: (error as Error).message });
    }
  }
  const antom = keys.filter((k) => k.role === 'antom');
  const problems = keys.filter((k) => k.problem);
  verdict.push({ key: selfTest === 'passed' && antom.length > 0 && problems.length === 0 ? 'allGood' : 'attention' });
  if (selfTest === 'passed') verdict.push({ key: 'selfTestPassed', values: { fingerprint: merchantFp ?? '', version: config.merchantKeyVersion } });
  if (selfTest === 'failed') verdict.push({ key: 'selfTestFailed' });
  if (selfTest === 'not_configured') verdict.push({ key: 'noMerchantKey' });
  if (antom.length === 0) verdict.push({ key: 'noAntomKey' });
  if (antom.length === 2) verdict.push({ key: 'rotation', values: { first: antom[0]!.keyVersion, second: antom[1]!.keyVersion } });
  for (const p of problems) {
    verdict.push(p.problem === 'OWN_KEY' ? { key: 'ownKeyAsAntom', values: { version: p.keyVersion } } : { key: 'keyProblem', values: { version: p.keyVersion, problem: p.problem! } });
  }
  return { keys, selfTest, verdict };
}
