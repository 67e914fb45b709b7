import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { AgreementDeps } from '@/lib/agreements/agreement-deps';
import { completeAuthorizationReturn } from '@/lib/agreements/complete-authorization-return';
import { startAuthorization } from '@/lib/agreements/start-authorization';
import { NOTIFICATION_ACK_BODY, parseNotification, type AlipayClient } from '@/lib/alipay';
import type { Actor } from '@/lib/auth/actor';
import { TokenVault } from '@/lib/crypto/token-vault';
import { createAuthorizationLink } from '@/lib/customers/create-authorization-link';
import { createCustomer } from '@/lib/customers/create-customer';
import type { Database } from '@/lib/db/client';
import { payments, type Payment } from '@/lib/db/schema';
import { applyPaymentResult } from '@/lib/payments/apply-payment-result';
import type { PaymentDeps } from '@/lib/payments/payment-deps';
import { updateMerchantSettings } from '@/lib/settings/update-merchant-settings';
import { authenticateStaff } from '@/lib/staff/authenticate-staff';
import { seedFirstAdmin } from '@/lib/staff/seed-first-admin';
import { validateStaffSession } from '@/lib/staff/validate-staff-session';
import { startSimulatorHarness, type SimulatorHarness } from './simulator-harness';
import { createTestDatabase } from './test-database';

export const WALLETS = ['GCASH', 'KAKAOPAY', 'ALIPAY_CN', 'PAYPAY', 'ZALOPAY', 'DANA'];

export interface LedgerEntry {
  kind: 'DEBIT' | 'REFUND' | 'CANCEL_REVERSAL';
  paymentRequestId: string;
  currency: string;
  amountMinor: string;
}

/** A migrated database, an in-process simulator, an admin, a customer and helpers to make ACTIVE agreements. */
export interface PaymentWorld {
  database: Database;
  sim: SimulatorHarness;
  vault: TokenVault;
  /** The vault's keys in base64 (TOKEN_ENCRYPTION_KEY / TOKEN_INDEX_KEY for a portal process started by a test). */
  vaultKeys: { encryption: string; index: string };
  admin: Actor;
  customerId: string;
  /** pay calls that left this process (counted around the real client). */
  payCalls(): number;
  alipay: AlipayClient;
  activeAgreement(wallet: string, account?: string): Promise<string>;
  deps(overrides?: Partial<PaymentDeps>): PaymentDeps;
  ledgerFor(paymentRequestId: string): Promise<LedgerEntry[]>;
  simPayment(paymentRequestId: string): Promise<{ status: string; amountMinor: string; currency: string } | undefined>;
  load(paymentId: string): Promise<Payment>;
  /** A notification endpoint standing in for the notifications engineer's route: verify, then applyPaymentResult. */
  startNotificationSink(): Promise<{ url: string; received: () => number; close: () => Promise<void> }>;
  close(): Promise<void>;
}

export async function startPaymentWorld(options: { hangMs?: number; simulatorPort?: number; timeScale?: number; smtp?: boolean } = {}): Promise<PaymentWorld> {
  const database = await createTestDatabase();
  const sim = await startSimulatorHarness({
    ...(options.hangMs !== undefined ? { hangMs: options.hangMs } : {}),
    ...(options.simulatorPort !== undefined ? { port: options.simulatorPort } : {}),
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
    ...(options.smtp ? { smtp: true } : {}),
  });
  const vaultKeys = { encryption: randomBytes(32).toString('base64'), index: randomBytes(32).toString('base64') };
  const vault = TokenVault.fromBase64(vaultKeys.encryption, vaultKeys.index);
  let payCalls = 0;
  const alipay: AlipayClient = {
    ...sim.alipay,
    pay: (input, options) => {
      payCalls++;
      return sim.alipay.pay(input, options);
    },
  };
  const agreementDeps: AgreementDeps = { db: database.db, alipay: sim.alipay, vault, returnUrl: 'http://localhost:3000/authorize/return' };
  await seedFirstAdmin(database.db, { email: 'admin@example.com', password: 'admin-password-123' });
  const auth = await authenticateStaff(database.db, { email: 'admin@example.com', password: 'admin-password-123', ip: null, userAgent: null });
  if (!auth.ok) throw new Error('sign-in failed');
  const admin = (await validateStaffSession(database.db, auth.sessionId, { ip: '127.0.0.1', userAgent: 'vitest' }))!;
  const saved = await updateMerchantSettings(database.db, admin, { merchantName: 'Sari-Sari Online', contractedMethods: WALLETS });
  if (!saved.ok) throw new Error(saved.error);
  const customer = await createCustomer(database.db, admin, { reference: `cust-${randomBytes(3).toString('hex')}`, name: 'Maria Santos', country: 'PH', email: undefined, phone: undefined, preferredLanguage: 'fil' });
  if (!customer.ok) throw new Error(customer.error);

  const world: PaymentWorld = {
    database,
    sim,
    vault,
    vaultKeys,
    admin,
    customerId: customer.data.id,
    alipay,
    payCalls: () => payCalls,
    async activeAgreement(wallet, account) {
      const link = await createAuthorizationLink(database.db, admin, { customerId: customer.data.id, expiresInHours: 1 });
      if (!link.ok) throw new Error(link.error);
      const buyer = randomBytes(16).toString('hex');
      const started = await startAuthorization(agreementDeps, { linkToken: link.data.token, paymentMethod: wallet, buyerBinding: buyer, terminal: { terminalType: 'WEB' } });
      if (!started.ok) throw new Error(`${started.code}: ${started.error}`);
      const decision = await sim.control<{ authCode: string; authState: string }>('/simulator/authorizations/approve', { url: started.data.redirectUrl, ...(account ? { account } : {}) });
      const done = await completeAuthorizationReturn(agreementDeps, { authState: decision.authState, authCode: decision.authCode, buyerBinding: buyer });
      if (!done.ok) throw new Error('authorization failed');
      return started.data.agreementId;
    },
    deps(overrides = {}) {
      return { db: database.db, alipay, vault, enqueue: async () => {}, ...overrides };
    },
    async ledgerFor(paymentRequestId) {
      const ledger = await sim.control<{ entries: LedgerEntry[] }>('/simulator/ledger');
      return ledger.entries.filter((e) => e.paymentRequestId === paymentRequestId);
    },
    async simPayment(paymentRequestId) {
      const all = await sim.control<{ payments: { paymentRequestId: string; status: string; amountMinor: string; currency: string }[] }>('/simulator/payments');
      return all.payments.find((p) => p.paymentRequestId === paymentRequestId);
    },
    async load(paymentId) {
      const [row] = await database.db.select().from(payments).where(eq(payments.id, paymentId));
      if (!row) throw new Error('no payment');
      return row;
    },
    async startNotificationSink() {
      let received = 0;
      const server: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          void (async () => {
            const rawBody = Buffer.concat(chunks).toString('utf8');
            try {
              sim.alipay.verifyNotification({ path: req.url ?? '/', headers: req.headers, rawBody });
              const n = parseNotification(rawBody);
              if (n.type === 'PAYMENT_RESULT' && n.paymentRequestId && n.outcome !== 'unknown') {
                received++;
                await applyPaymentResult(database.db, {
                  paymentRequestId: n.paymentRequestId,
                  paymentId: n.paymentId ?? null,
                  outcome: n.outcome === 'success' ? 'succeeded' : 'failed',
                  resultCode: n.result.resultCode,
                  reason: n.result.resultMessage ?? undefined,
                  cause: 'notification',
                  at: new Date(),
                });
              }
              res.writeHead(200, { 'content-type': 'application/json' }).end(NOTIFICATION_ACK_BODY);
            } catch {
              res.writeHead(401).end();
            }
          })();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      return { url: `http://127.0.0.1:${port}/api/alipay/notify/payment`, received: () => received, close: () => new Promise<void>((r) => server.close(() => r())) };
    },
    async close() {
      await sim.close();
      await database.close();
    },
  };
  return world;
}

/** Polls until the payment is final (or the time is up) and returns it. */
export async function waitForFinal(world: PaymentWorld, paymentId: string, timeoutMs = 60_000): Promise<Payment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await world.load(paymentId);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(row.status) || Date.now() > deadline) return row;
    await new Promise((r) => setTimeout(r, 250));
  }
}
