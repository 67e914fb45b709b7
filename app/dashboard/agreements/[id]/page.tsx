import { randomUUID } from 'node:crypto';
import { STICKY_FIRST_COLUMN } from '@/components/ui/data-table';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { FieldGrid, type Field } from '@/components/dashboard/field-grid';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { getAgreementDetail } from '@/lib/agreements/get-agreement-detail';
import { getPaymentMethod } from '@/lib/alipay';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { AgreementStatusBadge } from '../agreement-status-badge';
import { WalletName } from '../wallet-name';
import { describeEvent } from './describe-event';
import { RevokeAgreementForm } from './revoke-agreement-form';
import { ChargeForm } from './charge-form';
import { PaymentRequestForm } from './payment-request-form';
import { AgreementSchedules } from './agreement-schedules';
import { Badge } from '@/components/ui/badge';
import { formatAmount } from '@/lib/money';
import { listAgreementPayments } from '@/lib/payments/list-agreement-payments';
import { newBusinessKey } from '@/lib/intents/business-key';
import { listUnresolvedAttempts } from '@/lib/intents/list-unresolved-attempts';

export const metadata: Metadata = { title: 'Agreement' };

const EVENT_TYPES = new Set(['consult', 'returned', 'apply_token', 'notification', 'revoke', 'return_refused']);

// GET /dashboard/agreements/[id] — one agreement, its timeline, and "Revoke authorization" while it is ACTIVE.
export default async function AgreementPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireStaff('dashboard.read');
  const { id } = await params;
  const detail = await getAgreementDetail(await getDb(), id);
  if (!detail) notFound();
  const { agreement, customer, events } = detail;
  const t = await getTranslations('agreement');
  const tc = await getTranslations('confirmAction');
  const ct = await getTranslations('charge');
  const agreementPayments = await listAgreementPayments(await getDb(), agreement.id);
  const unresolved = await listUnresolvedAttempts(await getDb(), agreement.id);
  const locale = await getLocale();
  const ev = await getTranslations('events');
  const method = getPaymentMethod(agreement.paymentMethod);
  const fields: Field[] = [
    [t('status'), <AgreementStatusBadge key="s" status={agreement.status} />],
    [t('wallet'), <WalletName key="w" code={agreement.paymentMethod} />],
    [
      t('customer'),
      <span key="c">
        <Link href={`/dashboard/customers/${customer.id}`} className="text-blue-800 underline">
          {customer.name}
        </Link>{' '}
        <span className="font-mono text-xs text-slate-700">{customer.reference}</span>
      </span>,
    ],
    [t('terminal'), [agreement.terminalType, agreement.osType].filter(Boolean).join(' / ')],
    [t('login'), agreement.userLoginIdMasked ?? '—'],
    [t('created'), <ZonedTime key="cr" value={agreement.createdAt} />],
    [t('activated'), <ZonedTime key="a" value={agreement.activatedAt} />],
    [t('accessTokenExpiry'), <ZonedTime key="at" value={agreement.accessTokenExpiresAt} />],
    [t('refreshTokenExpiry'), <ZonedTime key="rt" value={agreement.refreshTokenExpiresAt} />],
  ];
  if (agreement.status === 'ACTIVE' && agreement.tokenRefreshDueAt) fields.push([t('refreshDue'), <ZonedTime key="rd" value={agreement.tokenRefreshDueAt} />]);
  if (agreement.status === 'ACTIVE' && agreement.tokenRefreshProblem) {
    fields.push([t('refreshProblem'), <span key="rp" className="text-amber-900" data-testid="refresh-problem">{agreement.tokenRefreshProblem}</span>]);
  }
  if (agreement.revokedAt) fields.push([t('revokedAt'), <ZonedTime key="r" value={agreement.revokedAt} />], [t('revokedBy'), agreement.revokedBy ?? '—']);
  if (agreement.failureCode || agreement.failureMessage) fields.push([t('failure'), [agreement.failureCode, agreement.failureMessage].filter(Boolean).join(' — ')]);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/agreements" className="text-blue-800 underline">
          {t('back')}
        </Link>
      </p>
      <PageHeader title={t('title', { wallet: method?.nameEn ?? agreement.paymentMethod, customer: customer.name })} />
      <FieldGrid fields={fields} />
      {agreement.status === 'ACTIVE' && method && can(actor.role, 'payments.charge') ? (
        <section aria-labelledby="charge-heading" className="mt-6 max-w-xl rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="charge-heading" className="mb-2 text-base font-semibold">
            {ct('heading')}
          </h2>
          <ChargeForm
            agreementId={agreement.id}
            currency={method.currency}
            wallet={method.nameEn}
            login={agreement.userLoginIdMasked ?? ''}
            operationKey={randomUUID()}
            suggestedReference={unresolved[0]?.businessKey ?? newBusinessKey()}
            unresolved={unresolved.map((u) => ({
              paymentId: u.paymentId,
              reference: u.businessKey,
              amount: formatAmount(u.amountMinor, u.currency, locale),
              status: u.status,
              ageSeconds: Number(u.ageSeconds),
            }))}
          />
        </section>
      ) : null}
      {agreement.status === 'ACTIVE' && method && can(actor.role, 'payments.charge') ? (
        <section aria-labelledby="request-heading" className="mt-6 max-w-xl rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="request-heading" className="mb-2 text-base font-semibold">
            {ct('requestHeading')}
          </h2>
          <PaymentRequestForm agreementId={agreement.id} currency={method.currency} />
        </section>
      ) : null}
      <AgreementSchedules agreementId={agreement.id} active={agreement.status === 'ACTIVE'} currency={method?.currency ?? null} canManage={can(actor.role, 'schedules.manage')} />
      <section aria-labelledby="payments-heading" className="mt-6">
        <h2 id="payments-heading" className="text-lg font-semibold">
          {ct('payments')}
        </h2>
        {agreementPayments.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">{ct('noPayments')}</p>
        ) : (
          <div className="relative mt-2 overflow-x-auto" tabIndex={0} role="region" aria-label={ct('paymentsCaption')}>
            <table className={`min-w-full text-left text-sm ${STICKY_FIRST_COLUMN}`} data-testid="agreement-payments">
              <caption className="sr-only">{ct('paymentsCaption')}</caption>
              <thead>
                <tr className="border-b border-slate-300 text-xs uppercase text-slate-700">
                  <th scope="col" className="py-2 pr-4">{ct('created')}</th>
                  <th scope="col" className="py-2 pr-4">{ct('amountColumn')}</th>
                  <th scope="col" className="py-2 pr-4">{ct('status')}</th>
                  <th scope="col" className="py-2 pr-4">{ct('reason')}</th>
                </tr>
              </thead>
              <tbody>
                {agreementPayments.map((p) => (
                  <tr key={p.id} className="border-b border-slate-200">
                    <td className="py-2 pr-4"><ZonedTime value={p.createdAt} /></td>
                    <td className="py-2 pr-4 font-mono">
                      <Link href={`/dashboard/payments/${p.id}`} className="text-blue-800 underline">{formatAmount(p.amountMinor, p.currency)}</Link>
                    </td>
                    <td className="py-2 pr-4"><Badge tone={p.status === 'SUCCEEDED' ? 'green' : p.status === 'FAILED' ? 'red' : p.status === 'CANCELLED' ? 'slate' : 'amber'}>{p.status}</Badge></td>
                    <td className="py-2 pr-4">{p.failureMessage ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {agreement.status === 'ACTIVE' && can(actor.role, 'payments.cancel') ? (
        <section aria-labelledby="revoke-heading" className="mt-6 max-w-xl rounded-lg border border-red-200 bg-white p-4">
          <h2 id="revoke-heading" className="mb-2 text-base font-semibold">
            {t('revokeHeading')}
          </h2>
          <RevokeAgreementForm agreementId={agreement.id} labels={{ submit: t('revoke'), pending: t('revoking'), done: t('revoked'), hint: t('revokeHint'), confirm: tc('revoke', { customer: customer.name, wallet: method?.nameEn ?? agreement.paymentMethod }), confirmYes: tc('revokeYes'), back: tc('back') }} />
        </section>
      ) : null}
      <section aria-labelledby="timeline-heading" className="mt-8">
        <h2 id="timeline-heading" className="text-lg font-semibold">
          {t('timeline')}
        </h2>
        {events.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">{t('noEvents')}</p>
        ) : (
          <ol className="mt-4 space-y-3 border-l-2 border-slate-300 pl-4">
            {events.map((event) => (
              <li key={event.id} data-testid="agreement-event" className="rounded-lg border border-slate-200 bg-white p-3">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h3 className="text-sm font-semibold text-slate-900">{EVENT_TYPES.has(event.type) ? ev(`type.${event.type}`) : event.type}</h3>
                  <span className="text-xs text-slate-700">
                    <ZonedTime value={event.createdAt} />
                  </span>
                </div>
                <p className="mt-1 text-sm text-slate-800">{describeEvent(ev, event.type, event.detail)}</p>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
