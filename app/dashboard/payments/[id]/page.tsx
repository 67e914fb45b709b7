import { randomBytes } from 'node:crypto';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { FieldGrid, type Field } from '@/components/dashboard/field-grid';
import { PaymentStatusBadge, RefundStatusBadge } from '@/components/dashboard/status-badges';
import { Button } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { getPaymentMethod } from '@/lib/alipay';
import { apiCallsHref } from '@/lib/api-calls/list-api-calls';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { formatAmount, toMajorString } from '@/lib/money';
import { cancelRefusal } from '@/lib/payments/cancel-payment';
import { PAYMENT_EVENT_CAUSES, PAYMENT_EVENT_TYPES } from '@/lib/payments/payment-events';
import { getPaymentDetail } from '@/lib/payments/get-payment-detail';
import { refundAvailability } from '@/lib/refunds/refund-availability';
import { REFUND_EVENT_TYPES } from '@/lib/refunds/refund-events';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { describePaymentEvent } from './describe-payment-event';
import { CancelPaymentForm } from './cancel-payment-form';
import { RefundForm } from './refund-form';

export const metadata: Metadata = { title: 'Payment' };

const REFUND_TYPES = new Set<string>(REFUND_EVENT_TYPES);
const PAYMENT_TYPES = new Set<string>(PAYMENT_EVENT_TYPES);
const CAUSES = new Set<string>(PAYMENT_EVENT_CAUSES);

/** The Developers page (API call log) filtered to this payment's calls. */
const apiCallLogHref = (paymentId: string) => apiCallsHref(`payment:${paymentId}`);

// GET /dashboard/payments/[id] — one payment: amount, status in words, refunds, timeline, and the money
// buttons the role allows (disabled with the reason when the payment does not allow them).
export default async function PaymentPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireStaff('dashboard.read');
  const { id } = await params;
  const db = await getDb();
  const detail = await getPaymentDetail(db, id);
  if (!detail) notFound();
  const { payment, customer, agreement, refunds, timeline } = detail;
  const t = await getTranslations('payment');
  const tf = await getTranslations('twoFactor');
  const tc = await getTranslations('confirmAction');
  const pe = await getTranslations('paymentEvents');
  const locale = (await getLocale()) === 'zh-CN' ? 'zh-CN' : 'en-US';
  const money = (minor: bigint) => formatAmount(minor, payment.currency, locale);
  const method = getPaymentMethod(payment.paymentMethod);
  const wallet = method?.nameEn ?? payment.paymentMethod;
  const settings = await getMerchantSettings(db);
  const now = new Date();
  const availability = refundAvailability(payment, actor.role, settings.operatorRefundLimits, now);
  const cancelBlocked = can(actor.role, 'payments.cancel') ? cancelRefusal(payment, now) : null;

  const reason =
    payment.status === 'FAILED'
      ? payment.failureMessage || payment.failureCode
        ? t('statusReason.FAILED', { reason: [payment.failureMessage, payment.failureCode ? `(${payment.failureCode})` : null].filter(Boolean).join(' ') })
        : t('statusReason.FAILED_noReason')
      : t(`statusReason.${payment.status}`);
  const left = payment.amountMinor - payment.refundedMinor - payment.refundPendingMinor;

  const fields: Field[] = [
    [t('amount'), <span key="a" className="font-semibold" data-testid="payment-amount">{money(payment.amountMinor)}</span>],
    [t('refunded'), <span key="r" data-testid="payment-refunded">{money(payment.refundedMinor)}</span>],
    [t('refundPending'), <span key="p" data-testid="payment-refund-pending">{money(payment.refundPendingMinor)}</span>],
    [t('refundable'), <span key="l" data-testid="payment-refundable">{money(left > 0n ? left : 0n)}</span>],
    [t('wallet'), wallet],
    [
      t('customer'),
      <span key="c">
        <Link href={`/dashboard/customers/${customer.id}`} className="text-blue-800 underline">
          {customer.name}
        </Link>{' '}
        <span className="font-mono text-xs text-slate-700">{customer.reference}</span>
      </span>,
    ],
    [
      t('agreement'),
      <Link key="ag" href={`/dashboard/agreements/${agreement.id}`} className="text-blue-800 underline">
        {t('viewAgreement')}
      </Link>,
    ],
    [t('walletAccount'), agreement.userLoginIdMasked ?? '—'],
    [t('order'), <span key="o" className="font-mono text-xs">{payment.referenceOrderId}</span>],
    [t('attempt'), t('attemptValue', { n: payment.attemptNumber })],
    [t('description'), payment.description],
    [t('initiator'), payment.initiator],
    [t('requestId'), <span key="rq" className="break-all font-mono text-xs">{payment.paymentRequestId}</span>],
    [t('antomId'), <span key="ai" className="break-all font-mono text-xs">{payment.paymentId ?? '—'}</span>],
    [t('created'), <ZonedTime key="cr" value={payment.createdAt} />],
  ];
  if (payment.succeededAt) fields.push([t('succeeded'), <ZonedTime key="s" value={payment.succeededAt} />]);
  if (payment.paymentTime) fields.push([t('antomPaymentTime'), <ZonedTime key="pt" value={payment.paymentTime} />]);
  if (payment.cancelClaimedAt && payment.status === 'SUCCEEDED') fields.push([t('cancelClaimed'), <ZonedTime key="cc" value={payment.cancelClaimedAt} />]);
  if (payment.failedAt) fields.push([t('failed'), <ZonedTime key="f" value={payment.failedAt} />]);
  if (payment.cancelledAt) fields.push([t('cancelled'), <ZonedTime key="x" value={payment.cancelledAt} />]);

  const example = toMajorString(left > 0n ? (left < 1250n ? left : 1250n) : 1250n, payment.currency);

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/payments" className="text-blue-800 underline">
          {t('back')}
        </Link>
      </p>
      <PageHeader title={t('title', { amount: money(payment.amountMinor), wallet, customer: customer.name })} />

      <section aria-labelledby="status-heading" className="mb-4 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="status-heading" className="sr-only">
          {t('status')}
        </h2>
        <p className="flex flex-wrap items-center gap-2">
          <PaymentStatusBadge status={payment.status} />
          <span className="text-sm text-slate-800" data-testid="payment-status-reason">
            {reason}
          </span>
        </p>
        {payment.reconciliationFlag ? <p className="mt-2 text-sm text-red-800">{t('reconciliation', { flag: payment.reconciliationFlag })}</p> : null}
      </section>

      <FieldGrid fields={fields} layout="p-4 sm:grid-cols-2 sm:p-6 lg:grid-cols-3" />

      {availability.kind === 'hidden' ? (
        <p className="mt-6 text-sm text-slate-700">{t('viewerNote')}</p>
      ) : (
        <section aria-labelledby="refund-heading" className="mt-6 max-w-xl rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="refund-heading" className="mb-3 text-base font-semibold">
            {t('refundFormHeading')}
          </h2>
          {availability.kind === 'open' ? (
            <>
              {availability.fullOnly ? <p className="mb-2 text-sm text-slate-800">{t('refundFormFullOnly', { wallet, left: money(availability.leftMinor) })}</p> : null}
              <RefundForm
                paymentId={payment.id}
                currency={payment.currency}
                locale={locale}
                operationKey={randomBytes(18).toString('base64url')}
                {...(availability.fullOnly ? { defaultAmount: toMajorString(availability.leftMinor, payment.currency) } : {})}
                labels={{
                  amount: t('refundFormAmount', { currency: payment.currency }),
                  amountHint:
                    availability.limitMinor === null
                      ? t('refundFormAmountHint', { left: money(availability.leftMinor), example })
                      : t('refundFormAmountHintLimit', { left: money(availability.leftMinor), limit: money(availability.limitMinor), example }),
                  reason: t('refundFormReason'),
                  reasonHint: t('refundFormReasonHint'),
                  preview: t('refundFormPreview', { amount: '{amount}' }),
                  previewInvalid: t('refundFormPreviewInvalid', { currency: payment.currency }),
                  submit: t('refundSubmit'),
                  submitting: t('refundSubmitting'),
                  done: t('refundDone', { amount: '{amount}' }),
                  pendingDone: t('refundPendingDone', { amount: '{amount}' }),
                  stepUp: { label: tf('stepUpLabel'), hint: tf('stepUpHint'), errors: { step_up_required: tf('errors.step_up_required'), step_up_wrong_code: tf('errors.step_up_wrong_code'), step_up_code_used: tf('errors.step_up_code_used') } },
                  confirm: tc('refund', { amount: '{amount}', customer: customer.name }),
                  confirmYes: tc('refundYes', { amount: '{amount}' }),
                  back: tc('back'),
                }}
              />
            </>
          ) : (
            <div className="space-y-2">
              <p id="refund-blocked" className="text-sm text-slate-800" data-testid="refund-blocked">
                {t(`refundBlocked.${availability.blocker}`, { days: availability.windowDays ?? 0 })}
              </p>
              <Button type="button" disabled aria-describedby="refund-blocked">
                {t('refundSubmit')}
              </Button>
            </div>
          )}
        </section>
      )}
      {can(actor.role, 'payments.cancel') ? (
        <section aria-labelledby="cancel-heading" className="mt-6 max-w-xl rounded-lg border border-red-200 bg-white p-4">
          <h2 id="cancel-heading" className="mb-3 text-base font-semibold">
            {t('cancelHeading')}
          </h2>
          {cancelBlocked ? (
            <div className="space-y-2">
              <p id="cancel-blocked" className="text-sm text-slate-800" data-testid="cancel-blocked">
                {t(`cancelBlocked.${cancelBlocked.code === 'has_refunds' || cancelBlocked.code === 'window_closed' ? cancelBlocked.code : 'not_cancellable'}`)}
              </p>
              <Button type="button" variant="danger" disabled aria-describedby="cancel-blocked">
                {t('cancelSubmit')}
              </Button>
            </div>
          ) : (
            <CancelPaymentForm
              paymentId={payment.id}
              labels={{ hint: t('cancelHint'), reason: t('cancelReason'), submit: t('cancelSubmit'), submitting: t('cancelSubmitting'), done: t('cancelDone'), confirm: tc('cancel', { amount: money(payment.amountMinor), customer: customer.name }), confirmYes: tc('cancelYes', { amount: money(payment.amountMinor) }), back: tc('back') }}
            />
          )}
        </section>
      ) : null}

      <section aria-labelledby="refunds-heading" className="mt-8">
        <h2 id="refunds-heading" className="text-lg font-semibold">
          {t('refundsHeading')}
        </h2>
        {refunds.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">{t('noRefunds')}</p>
        ) : (
          <ul className="mt-3 space-y-3" data-testid="refund-list">
            {refunds.map((r) => (
              <li key={r.id} data-testid="refund-row" className="rounded-lg border border-slate-200 bg-white p-3">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="text-sm font-semibold text-slate-900">{formatAmount(r.amountMinor, r.currency, locale)}</span>
                  <RefundStatusBadge status={r.status} />
                </div>
                <dl className="mt-2 grid gap-2 text-sm sm:grid-cols-2">
                  <div>
                    <dt className="text-xs font-medium uppercase text-slate-700">{t('refundReason')}</dt>
                    <dd className="break-words text-slate-900">{r.reason}</dd>
                  </div>
                  <div>
                    <dt className="text-xs font-medium uppercase text-slate-700">{t('refundBy')}</dt>
                    <dd className="break-words text-slate-900">{r.requestedBy ?? '—'}</dd>
                  </div>
                  <div>
                    <dt className="text-xs font-medium uppercase text-slate-700">{t('refundCreated')}</dt>
                    <dd className="text-slate-900">
                      <ZonedTime value={r.createdAt} />
                    </dd>
                  </div>
                  <div>
                    <dt className="text-xs font-medium uppercase text-slate-700">{t('refundSettled')}</dt>
                    <dd className="text-slate-900">
                      <ZonedTime value={r.settledAt} />
                    </dd>
                  </div>
                  {r.status === 'FAILED' ? (
                    <div className="sm:col-span-2">
                      <dt className="text-xs font-medium uppercase text-slate-700">{t('refundFailure')}</dt>
                      <dd className="break-words text-red-800">{[r.failureMessage, r.failureCode ? `(${r.failureCode})` : null].filter(Boolean).join(' ') || '—'}</dd>
                    </div>
                  ) : null}
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="timeline-heading" className="mt-8">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="timeline-heading" className="text-lg font-semibold">
            {t('timeline')}
          </h2>
          <Link href={apiCallLogHref(payment.id)} className="text-sm text-blue-800 underline">
            {t('viewCalls')}
          </Link>
        </div>
        {timeline.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">{t('noEvents')}</p>
        ) : (
          <ol className="mt-4 space-y-3 border-l-2 border-slate-300 pl-4">
            {timeline.map((entry) => (
              <li key={`${entry.kind}-${entry.id}`} data-testid="payment-timeline-entry" className="rounded-lg border border-slate-200 bg-white p-3">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h3 className="text-sm font-semibold text-slate-900">
                    {entry.kind === 'call'
                      ? t('callTitle', { endpoint: entry.endpoint })
                      : REFUND_TYPES.has(entry.type)
                        ? t(`eventType.${entry.type}`)
                        : PAYMENT_TYPES.has(entry.type)
                          ? pe(entry.type)
                          : entry.type}
                  </h3>
                  <span className="text-xs text-slate-700">
                    {entry.kind === 'event' && CAUSES.has(entry.cause) ? `${t(`cause.${entry.cause}`)} · ` : null}
                    <ZonedTime value={entry.at} />
                  </span>
                </div>
                <p className="mt-1 break-words text-sm text-slate-800">
                  {entry.kind === 'call' ? (
                    <>
                      {t('callDetail', { attempt: entry.attempt, outcome: entry.outcome ?? '—', code: entry.resultCode ?? entry.errorCode ?? '—', ms: entry.durationMs })}{' '}
                      <Link href={apiCallLogHref(payment.id)} className="text-blue-800 underline">
                        {t('viewCalls')}
                      </Link>
                    </>
                  ) : (
                    describePaymentEvent((key, values) => t(key, values), entry.type, entry.detail, locale)
                  )}
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
