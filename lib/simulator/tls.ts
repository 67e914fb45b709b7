/**
 * A self-signed TLS certificate for the optional HTTPS listener — the one place the product uses
 * node-forge (node:crypto cannot build X.509 certificates; bench/signature.bench.ts imports it only as a baseline). The key pair itself comes from node:crypto.
 * Saved under `<dataDir>/simulator/tls/` and reused while valid, so browsers see one certificate.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface TlsMaterial {
  keyPem: string;
  certPem: string;
}

export function selfSignedCertificate(hostnames: string[], dataDir?: string): TlsMaterial {
  const dir = dataDir ? path.join(dataDir, 'simulator', 'tls') : undefined;
  if (dir && existsSync(path.join(dir, 'cert.pem')) && existsSync(path.join(dir, 'key.pem'))) {
    const certPem = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    const cert = forge.pki.certificateFromPem(certPem);
    if (cert.validity.notAfter.getTime() > Date.now() + 24 * 60 * 60_000) {
      return { keyPem: readFileSync(path.join(dir, 'key.pem'), 'utf8'), certPem };
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = `01${Date.now().toString(16)}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 60 * 60_000);
  const attrs = [{ name: 'commonName', value: hostnames[0] ?? 'localhost' }, { name: 'organizationName', value: 'Daikou simulator' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hostnames.map((h) => (/^[\d.]+$/.test(h) || h.includes(':') ? { type: 7, ip: h } : { type: 2, value: h })),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  const material = { keyPem: privateKey, certPem: forge.pki.certificateToPem(cert) };
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'key.pem'), material.keyPem, { mode: 0o600 });
    writeFileSync(path.join(dir, 'cert.pem'), material.certPem);
  }
  return material;
}
