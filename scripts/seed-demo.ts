// npm run db:seed-demo — demo data: every wallet contracted, a few customers in different countries with an open
// authorization link each (URLs printed), and a few hundred dashboard rows (scripts/demo/demo-data.ts): agreements,
// payments in six currencies with every outcome, partial and full refunds. Stop `npm run dev` first
// when on PGlite (one process may open its files). Safe to run twice: existing customers are reused.
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { PAYMENT_METHOD_CODES } from '../lib/alipay';
import type { Actor } from '../lib/auth/actor';
import { createAuthorizationLink } from '../lib/customers/create-authorization-link';
import { createCustomer } from '../lib/customers/create-customer';
import { openDatabase } from '../lib/db/client';
import { customers, staffUsers } from '../lib/db/schema';
import { updateMerchantSettings } from '../lib/settings/update-merchant-settings';
import { seedDemoData } from './demo/demo-data';
import { applyToProcessEnv, loadConfigOrExit } from './load-config';

// Loaded as npm run dev loads it, and made this process's environment for the services it calls.
const loaded = loadConfigOrExit();
applyToProcessEnv(loaded);
const { config } = loaded;
const appUrl = config.APP_URL.replace(/\/+$/, '');
const database = await openDatabase({ url: config.DATABASE_URL, pgliteDir: path.join(config.DATA_DIR, 'pglite') });
try {
  const [admin] = await database.db.select().from(staffUsers).where(eq(staffUsers.role, 'admin')).limit(1);
  if (!admin) throw new Error('No admin yet: start the portal once (npm run dev) so the first admin is created.');
  const actor: Actor = { userId: admin.id, email: admin.email, name: admin.name, role: 'admin', sessionId: 'seed-demo', ip: null, userAgent: 'scripts/seed-demo.ts' };
  await updateMerchantSettings(database.db, actor, { merchantName: 'Daikou Coffee Club', contractedMethods: [...PAYMENT_METHOD_CODES] });
  const demo = [
    { reference: 'demo-ph-1', name: 'Maria Santos', country: 'PH', preferredLanguage: 'fil' },
    { reference: 'demo-kr-1', name: '김민준', country: 'KR', preferredLanguage: 'ko' },
    { reference: 'demo-th-1', name: 'สมชาย ใจดี', country: 'TH', preferredLanguage: 'th' },
    { reference: 'demo-cn-1', name: '王芳', country: 'CN', preferredLanguage: 'zh-CN' },
  ];
  for (const c of demo) {
    const created = await createCustomer(database.db, actor, { ...c, email: undefined, phone: undefined });
    const customer = created.ok ? created.data : (await database.db.select().from(customers).where(eq(customers.reference, c.reference)))[0]!;
    const link = await createAuthorizationLink(database.db, actor, { customerId: customer.id, expiresInHours: 168 });
    if (link.ok) console.log(`${c.country}  ${c.name.padEnd(14)} ${appUrl}/authorize/${link.data.token}`);
  }
  const summary = await seedDemoData(database.db, actor);
  console.log(
    summary
      ? `Dashboard demo: ${summary.customers} customers, ${summary.agreements} agreements, ${summary.payments} payments, ${summary.refunds} refunds.`
      : 'Dashboard demo rows already present; not added again.',
  );
} finally {
  await database.close();
}
