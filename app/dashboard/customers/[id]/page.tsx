import { zonedTimeText } from '@/components/ui/zoned-time';
import { getViewerZone } from '@/lib/time/viewer-zone';
import { gmtLabel } from '@/lib/time/zone';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import QRCode from 'qrcode';
import { FieldGrid } from '@/components/dashboard/field-grid';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { LOCALE_NAMES, isLocale } from '@/i18n/locales';
import { listAgreements } from '@/lib/agreements/list-agreements';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getCustomer } from '@/lib/customers/get-customer';
import { listAuthorizationLinks, type AuthorizationLinkListItem } from '@/lib/customers/list-authorization-links';
import { getDb } from '@/lib/db';
import { getPaymentMethod, isPaymentMethodCode } from '@/lib/alipay';
import type { LinkPlan } from '@/lib/db/schema';
import { formatAmount } from '@/lib/money';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { env } from '@/lib/env';
import { AgreementStatusBadge } from '../../agreements/agreement-status-badge';
import { WalletName } from '../../agreements/wallet-name';
import { CreateLinkForm } from './create-link-form';
import { RevokeLinkForm } from './revoke-link-form';
import { DataTable } from '@/components/ui/data-table';

export const metadata: Metadata = { title: 'Customer' };

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The link as an inline SVG QR code, labelled as an image for assistive technology. */
async function qrSvg(url: string, label: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(label)}" focusable="false" `);
}

/** The plan in staff words: "₱499.00 / 1 month (31), 2027-05-01, 12× — Monthly box". */
function planText(plan: LinkPlan, unit: string): string {
  const anchor = plan.anchorDay ? ` (${plan.anchorDay})` : '';
  const count = plan.maxPeriods ? `, ${plan.maxPeriods}×` : '';
  return `${formatAmount(BigInt(plan.amountMinor), plan.currency)} / ${plan.intervalCount} ${unit}${anchor}, ${plan.startDate}${count} — ${plan.description}`;
}

// GET /dashboard/customers/[id] — a customer, their authorization links (create, show, revoke) and agreements.
export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireStaff('dashboard.read');
  const { id } = await params;
  const db = await getDb();
  const customer = await getCustomer(db, id);
  if (!customer) notFound();
  const [links, agreements] = await Promise.all([listAuthorizationLinks(db, actor, customer.id), listAgreements(db, { customerId: customer.id, limit: 100 })]);
  const t = await getTranslations('customer');
  const c = await getTranslations('customers');
  const ls = await getTranslations('linkStatus');
  const format = await getFormatter();
  const zone = await getViewerZone();
  const tc = await getTranslations('confirmAction');
  const expiresText = (at: Date) => `${format.dateTime(at, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone })} ${gmtLabel(at, zone)}`;
  const canManage = can(actor.role, 'customers.manage');
  const settings = await getMerchantSettings(db);
  const planCurrencies = [...new Set(settings.contractedMethods.filter(isPaymentMethodCode).flatMap((m) => getPaymentMethod(m)?.currency ?? []))].sort();
  const appUrl = env().APP_URL.replace(/\/$/, '');
  const now = new Date();
  const linkState = (l: AuthorizationLinkListItem) => (l.status === 'OPEN' && l.expiresAt <= now ? 'EXPIRED' : l.status);
  const usable = await Promise.all(
    links
      .filter((l) => linkState(l) === 'OPEN' && l.token)
      .map(async (l) => {
        const url = `${appUrl}/authorize/${l.token}`;
        return { id: l.id, url, svg: await qrSvg(url, t('qrLabel', { expires: await zonedTimeText(l.expiresAt) })) };
      }),
  );
  const usableById = new Map(usable.map((u) => [u.id, u]));
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/customers" className="text-blue-800 underline">
          {t('back')}
        </Link>
      </p>
      <PageHeader title={customer.name} intro={t('intro')} />
      <FieldGrid
        fields={[
          [c('reference'), <span key="r" className="font-mono">{customer.reference}</span>],
          [c('email'), customer.email ?? '—'],
          [c('phone'), customer.phone ?? '—'],
          [c('country'), customer.country ?? '—'],
          [c('preferredLanguage'), isLocale(customer.preferredLanguage) ? LOCALE_NAMES[customer.preferredLanguage] : c('noLanguage')],
          [c('createdAt'), <ZonedTime key="c" value={customer.createdAt} />],
        ]}
      />

      <section aria-labelledby="links-heading" className="mt-8">
        <h2 id="links-heading" className="text-lg font-semibold">
          {t('links')}
        </h2>
        <p className="mt-1 max-w-prose text-sm text-slate-700">{t('linksIntro')}</p>
        {canManage ? (
          <div className="mt-4 rounded-lg border border-slate-200 bg-white p-4">
            <CreateLinkForm
              customerId={customer.id}
              currencies={planCurrencies}
              labels={{
                expiresIn: t('expiresIn'),
                submit: t('createLink'),
                created: t('linkCreated'),
                options: ([24, 72, 168] as const).map((hours) => ({ hours, label: t('hours', { hours }) })),
                plan: {
                  attach: t('plan.attach'),
                  hint: t('plan.hint'),
                  amount: t('plan.amount'),
                  currency: t('plan.currency'),
                  description: t('plan.description'),
                  interval: t('plan.interval'),
                  every: t('plan.every'),
                  anchorDay: t('plan.anchorDay'),
                  anchorHint: t('plan.anchorHint'),
                  startDate: t('plan.startDate'),
                  count: t('plan.count'),
                  countHint: t('plan.countHint'),
                  units: (['day', 'week', 'month', 'year'] as const).map((value) => ({ value, label: t(`plan.units.${value}`) })),
                },
              }}
            />
          </div>
        ) : null}
        {links.length === 0 ? (
          <p className="mt-4 text-sm text-slate-700">{t('noLinks')}</p>
        ) : (
          <ul className="mt-4 space-y-4">
            {links.map((link) => {
              const state = linkState(link);
              const open = usableById.get(link.id);
              return (
                <li key={link.id} data-testid="authorization-link" data-link-status={state} className="rounded-lg border border-slate-200 bg-white p-4">
                  <div className="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
                    <Badge tone={state === 'OPEN' ? 'green' : state === 'USED' ? 'blue' : 'slate'}>{ls(state)}</Badge>
                    <span className="text-slate-800">
                      {t('linkCreatedAt')} <ZonedTime value={link.createdAt} />
                    </span>
                    <span className="text-slate-800">
                      {t('linkExpiresAt')} <ZonedTime value={link.expiresAt} />
                    </span>
                    {link.usedAt ? (
                      <span className="text-slate-800">
                        {t('linkUsedAt')} <ZonedTime value={link.usedAt} />
                      </span>
                    ) : null}
                    {link.plan ? (
                      <span className="text-slate-800" data-testid="link-plan">
                        {t('plan.shown', { plan: planText(link.plan, t(`plan.units.${link.plan.intervalUnit}`)) })}
                      </span>
                    ) : null}
                    {link.revokedAt ? (
                      <span className="text-slate-800">
                        {t('linkRevokedAt')} <ZonedTime value={link.revokedAt} />
                      </span>
                    ) : null}
                    {canManage && link.status === 'OPEN' ? (
                      <span className="ml-auto">
                        <RevokeLinkForm
                          customerId={customer.id}
                          linkId={link.id}
                          labels={{
                            submit: t('revoke'),
                            accessible: t('revokeAccessible', { expires: expiresText(link.expiresAt) }),
                            pending: t('revoke'),
                            confirm: tc('revokeLink', { customer: customer.name, expires: expiresText(link.expiresAt) }),
                            confirmYes: tc('revokeLinkYes'),
                            back: tc('back'),
                          }}
                        />
                      </span>
                    ) : null}
                  </div>
                  {open ? (
                    <div className="mt-4 flex flex-col gap-4 sm:flex-row sm:items-start">
                      <div className="min-w-0 flex-1 space-y-2">
                        <label htmlFor={`link-url-${link.id}`} className="block text-sm font-medium text-slate-800">
                          {t('urlLabel')}
                        </label>
                        <input
                          id={`link-url-${link.id}`}
                          type="text"
                          readOnly
                          value={open.url}
                          aria-describedby={`link-url-${link.id}-hint`}
                          className="block min-h-10 w-full rounded-md border border-slate-400 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-blue-700"
                        />
                        <p id={`link-url-${link.id}-hint`} className="text-xs text-slate-700">
                          {t('urlHint')}
                        </p>
                        <p className="text-sm text-slate-800">
                          {t('appVariant')} <code className="break-all rounded bg-slate-100 px-1 font-mono text-xs">{`${open.url}?app=1`}</code>
                        </p>
                      </div>
                      <div className="h-40 w-40 shrink-0 rounded border border-slate-200 bg-white p-1 [&>svg]:h-full [&>svg]:w-full" dangerouslySetInnerHTML={{ __html: open.svg }} />
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="agreements-heading" className="mt-8">
        <h2 id="agreements-heading" className="text-lg font-semibold">
          {t('agreements')}
        </h2>
        {agreements.items.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">{t('noAgreements')}</p>
        ) : (
          <DataTable caption={t('agreementsCaption', { name: customer.name })} className="mt-4" columns={[t('wallet'), t('status'), c('createdAt'), t('accessTokenExpiry'), <span key="details" className="sr-only">{t('details')}</span>]}>
            {agreements.items.map((a) => (
              <tr key={a.id}>
                <td className="px-4 py-3">
                  <WalletName code={a.paymentMethod} />
                </td>
                <td className="px-4 py-3">
                  <AgreementStatusBadge status={a.status} />
                </td>
                <td className="whitespace-nowrap px-4 py-3 text-slate-800">
                  <ZonedTime value={a.createdAt} />
                </td>
                <td className="whitespace-nowrap px-4 py-3 text-slate-800">
                  <ZonedTime value={a.accessTokenExpiresAt} />
                </td>
                <td className="px-4 py-3">
                  <Link href={`/dashboard/agreements/${a.id}`} className="font-medium text-blue-800 underline">
                    {t('viewAgreement')}
                    <span className="sr-only"> — {a.paymentMethod}</span>
                  </Link>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}
