// Seeds the end-to-end suite's fresh database before the portal starts (Playwright webServer command):
// the admin, contracted wallets, buyers in four countries and a pool of single-use authorization links,
// written to <DATA_DIR>/e2e-fixtures.json for the specs. Not for production data.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Actor } from '../lib/auth/actor';
import { createAuthorizationLink } from '../lib/customers/create-authorization-link';
import { createCustomer } from '../lib/customers/create-customer';
import { openDatabase } from '../lib/db/client';
import { updateMerchantSettings } from '../lib/settings/update-merchant-settings';
import { authenticateStaff } from '../lib/staff/authenticate-staff';
import { seedFirstAdmin } from '../lib/staff/seed-first-admin';
import { enrollWithKnownSecret } from '../lib/staff/two-factor/two-factor';
import { tokenVaultFromConfig } from '../lib/crypto/app-vault';
import { validateStaffSession } from '../lib/staff/validate-staff-session';
import { seedRefundablePayment } from './e2e-seed-refunds';
import { seedDemoData } from './demo/demo-data';
import { seedCustomsPayment } from './e2e-seed-customs';
import { seedFailedJob } from './e2e-seed-failed-job';
import { applyToProcessEnv, loadConfigOrExit } from './load-config';

// The same loading as scripts/start.ts, which runs right after this on the same DATA_DIR.
const loaded = loadConfigOrExit({ mode: 'production' });
applyToProcessEnv(loaded);
const { config } = loaded;
if (!config.ADMIN_EMAIL || !config.ADMIN_PASSWORD) throw new Error('e2e seed: ADMIN_EMAIL and ADMIN_PASSWORD must be set (playwright.config.ts sets them)');
const dataDir = config.DATA_DIR;
const email = config.ADMIN_EMAIL;
const password = config.ADMIN_PASSWORD;
const database = await openDatabase({ url: config.DATABASE_URL, pgliteDir: path.join(dataDir, 'pglite') });
try {
  await seedFirstAdmin(database.db, { email, password });
  const session = await authenticateStaff(database.db, { email, password, ip: null, userAgent: 'e2e-seed' });
  if (!session.ok) throw new Error('e2e seed: admin sign-in failed');
  const actor = (await validateStaffSession(database.db, session.sessionId, { ip: null, userAgent: 'e2e-seed' })) as Actor;
  // The admin signs in with a second factor like every admin; the specs compute its codes from this secret
  // (e2e/helpers.ts signIn).
  const totpSecret = process.env.E2E_ADMIN_TOTP_SECRET;
  if (!totpSecret) throw new Error('e2e seed: E2E_ADMIN_TOTP_SECRET must be set (playwright.config.ts sets it)');
  await enrollWithKnownSecret(database.db, tokenVaultFromConfig(config), actor.userId, totpSecret);
  await updateMerchantSettings(database.db, actor, { merchantName: 'E2E Coffee Club', contractedMethods: ['GCASH', 'MAYA', 'KAKAOPAY', 'NAVER_PAY', 'ALIPAY_CN', 'TRUEMONEY', 'PAYPAY'] });
  const buyers = {
    ph: { reference: 'e2e-ph', name: 'Maria Santos', country: 'PH', preferredLanguage: undefined },
    kr: { reference: 'e2e-kr', name: 'Kim Minjun', country: 'KR', preferredLanguage: 'ko' },
    th: { reference: 'e2e-th', name: 'Somchai Jaidee', country: 'TH', preferredLanguage: 'th' },
    cn: { reference: 'e2e-cn', name: 'Wang Fang', country: 'CN', preferredLanguage: undefined },
  } as const;
  const fixtures: Record<string, string[]> = {};
  for (const [key, buyer] of Object.entries(buyers)) {
    const customer = await createCustomer(database.db, actor, { ...buyer, email: undefined, phone: undefined });
    if (!customer.ok) throw new Error(customer.error);
    fixtures[key] = [];
    for (let i = 0; i < 20; i++) {
      const link = await createAuthorizationLink(database.db, actor, { customerId: customer.data.id, expiresInHours: 24 });
      if (!link.ok) throw new Error(link.error);
      fixtures[key].push(link.data.token);
    }
  }
  await seedCustomsPayment(database.db, dataDir, process.env.ALIPAY_CLIENT_ID || 'DAIKOU_LOCAL');
  writeFileSync(path.join(dataDir, 'e2e-fixtures.json'), JSON.stringify(fixtures, null, 2));
  writeFileSync(path.join(dataDir, 'e2e-failed-job.json'), JSON.stringify(await seedFailedJob(database), null, 2));
  await seedRefundablePayment(database.db, actor, config);
  // The dashboard walk (e2e/dashboard-walk.spec.ts) needs lists with rows; the other specs expect an empty
  // Overview and payments list, so the demo rows are opt-in.
  if (process.env.E2E_DEMO_DATA === '1') {
    const demo = await seedDemoData(database.db, actor);
    writeFileSync(path.join(dataDir, 'e2e-demo.json'), JSON.stringify(demo, null, 2));
  }
} finally {
  await database.close();
}
