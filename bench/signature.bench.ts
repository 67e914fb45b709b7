/**
 * RSA-SHA256 (AMS RSA256) sign and verify: node:crypto with parsed KeyObjects vs node-forge, on the
 * same key and the same Antom-shaped content, measured in one run. Also the full notification path
 * (header parsing + verification). Targets (issue 3, reliability.md P2): signing ≥ 50× and verifying
 * ≥ 20× node-forge; < 0.1 ms per notification verification. Bounded to roughly 10 s.
 *
 * node-forge is imported here only, for comparison; lib/alipay never uses it.
 */
import forge from 'node-forge';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPrivateKey, loadPublicKey } from '../lib/alipay/keys';
import { signNotification, verifyNotification } from '../lib/alipay/notifications';
import { signContent, verifyContent } from '../lib/alipay/signature';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vectors = JSON.parse(readFileSync(path.join(repoRoot, 'test-data', 'alipay', 'signature-vectors.json'), 'utf8')) as {
  privateKeyPkcs8Base64: string;
  publicKeySpkiBase64: string;
  cases: { contentToSign: string; signatureUrlEncoded: string; body: string }[];
};

const pem = (label: string, b64: string) => `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
const privateKey = loadPrivateKey(vectors.privateKeyPkcs8Base64);
const publicKey = loadPublicKey(vectors.publicKeySpkiBase64);
const forgePrivate = forge.pki.privateKeyFromPem(pem('PRIVATE KEY', vectors.privateKeyPkcs8Base64));
const forgePublic = forge.pki.publicKeyFromPem(pem('PUBLIC KEY', vectors.publicKeySpkiBase64));

const sample = vectors.cases[1]!;
const content = sample.contentToSign;
const signature = sample.signatureUrlEncoded;

function forgeSign(text: string): string {
  const md = forge.md.sha256.create();
  md.update(text, 'utf8');
  return encodeURIComponent(forge.util.encode64(forgePrivate.sign(md)));
}
function forgeVerify(text: string, sig: string): boolean {
  const md = forge.md.sha256.create();
  md.update(text, 'utf8');
  return forgePublic.verify(md.digest().bytes(), forge.util.decode64(decodeURIComponent(sig)));
}

/** Runs `fn` repeatedly for ~`ms` milliseconds (after a short warm-up); returns ops/s and µs/op. */
function measure(name: string, ms: number, fn: () => unknown): { name: string; opsPerSec: number; usPerOp: number; ops: number } {
  const warmEnd = performance.now() + Math.min(200, ms / 5);
  while (performance.now() < warmEnd) fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    ops++;
    now = performance.now();
  }
  const elapsed = (now - start) / 1000;
  return { name, opsPerSec: ops / elapsed, usPerOp: (elapsed * 1e6) / ops, ops };
}

// Correctness first: both libraries must produce the vector's signature (PKCS#1 v1.5 is deterministic).
const sameSignature = signContent(content, privateKey) === signature && forgeSign(content) === signature;
const bothVerify = verifyContent(content, signature, publicKey) && forgeVerify(content, signature);
if (!sameSignature || !bothVerify) {
  console.error('signature mismatch between node:crypto, node-forge and the official-SDK vector — not benchmarking');
  process.exit(1);
}

const notifyPath = '/api/alipay/notify';
const notification = signNotification({ path: notifyPath, clientId: 'SANDBOX_5YEZ2N2YEB4Y06789', privateKey, body: sample.body, time: '1764000000000' });

const rows = [
  measure('node:crypto sign', 1500, () => signContent(content, privateKey)),
  measure('node-forge  sign', 3000, () => forgeSign(content)),
  measure('node:crypto verify', 1000, () => verifyContent(content, signature, publicKey)),
  measure('node-forge  verify', 1500, () => forgeVerify(content, signature)),
  measure('verifyNotification (header parse + verify)', 1000, () =>
    verifyNotification({ path: notifyPath, headers: notification.headers, rawBody: notification.rawBody, publicKey, clientId: 'SANDBOX_5YEZ2N2YEB4Y06789' }),
  ),
];

console.log(`content: ${Buffer.byteLength(content)} bytes, key RSA-${privateKey.asymmetricKeyDetails?.modulusLength}, node ${process.version}, OpenSSL ${process.versions.openssl}`);
console.log('identical signatures from node:crypto, node-forge and the SDK vector: yes');
console.log('');
console.log(`${'operation'.padEnd(46)}${'ops/s'.padStart(12)}${'µs/op'.padStart(12)}${'samples'.padStart(10)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(46)}${r.opsPerSec.toFixed(0).padStart(12)}${r.usPerOp.toFixed(1).padStart(12)}${String(r.ops).padStart(10)}`);
}

const [cSign, fSign, cVerify, fVerify, notify] = rows as [typeof rows[number], typeof rows[number], typeof rows[number], typeof rows[number], typeof rows[number]];
const signRatio = cSign.opsPerSec / fSign.opsPerSec;
const verifyRatio = cVerify.opsPerSec / fVerify.opsPerSec;
const checks = [
  { label: `sign: node:crypto / node-forge = ${signRatio.toFixed(1)}×`, target: '≥ 50×', ok: signRatio >= 50 },
  { label: `verify: node:crypto / node-forge = ${verifyRatio.toFixed(1)}×`, target: '≥ 20×', ok: verifyRatio >= 20 },
  { label: `verifyNotification = ${(notify.usPerOp / 1000).toFixed(4)} ms`, target: '< 0.1 ms', ok: notify.usPerOp < 100 },
];
console.log('');
for (const c of checks) console.log(`${c.ok ? 'PASS' : 'MISS'}  ${c.label.padEnd(50)} target ${c.target}`);
process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
