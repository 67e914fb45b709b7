import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { PageHeader } from '@/components/ui/page-header';
import { ZonedTime } from '@/components/ui/zoned-time';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { CERTIFICATE_TYPES, CUSTOMS_OFFICES, CUSTOMS_OFFICE_KEYS } from '@/lib/customs/customs-offices';
import { newDeclarationRequestId } from '@/lib/customs/declare-customs';
import { listDeclarablePayments, listDeclarations } from '@/lib/customs/list-declarations';
import { getDb } from '@/lib/db';
import type { CustomsDeclarationStatus } from '@/lib/db/schema';
import { formatAmount } from '@/lib/money';
import { getMerchantSettings } from '@/lib/settings/get-merchant-settings';
import { DeclareForm } from './declare-form';
import { RefreshButton } from './refresh-button';
import { RegistrationForm } from './registration-form';

export const metadata: Metadata = { title: 'Customs declarations' };

const TONE: Record<CustomsDeclarationStatus, 'green' | 'amber' | 'red' | 'slate' | 'blue'> = {
  CREATED: 'slate',
  UNKNOWN: 'amber',
  WAITING: 'blue',
  REJECTED: 'red',
  SUCCEEDED: 'green',
  FAILED: 'red',
};

// GET /dashboard/customs — every declaration with its status, and the declare form for operators and admins.
export default async function CustomsPage() {
  const actor = await requireStaff('dashboard.read');
  const t = await getTranslations('customs');
  const locale = await getLocale();
  const db = await getDb();
  const canDeclare = can(actor.role, 'customs.declare');
  const [declarations, declarable, settings] = await Promise.all([listDeclarations(db), canDeclare ? listDeclarablePayments(db) : Promise.resolve([]), getMerchantSettings(db)]);
  const zh = locale.startsWith('zh');

  return (
    <>
      <PageHeader title={t('title')} intro={t('intro')} />
      {canDeclare ? (
        <section aria-labelledby="declare-title" className="mb-8 max-w-3xl rounded-lg border border-slate-200 bg-white p-6">
          <h2 id="declare-title" className="mb-4 text-lg font-semibold">
            {t('declareTitle')}
          </h2>
          {!settings.customsMerchantCode || !settings.customsMerchantName ? (
            <p role="status" className="text-sm text-amber-900">
              {t('settingsMissing')}
            </p>
          ) : declarable.length === 0 ? (
            <p className="text-sm text-slate-700">{t('noPayments')}</p>
          ) : (
            <DeclareForm
              declarationRequestId={newDeclarationRequestId()}
              payments={declarable.map((p) => ({
                id: p.id,
                label: `${p.referenceOrderId} · ${formatAmount(p.amountMinor, 'CNY', locale)} (${formatAmount(p.amountMinor - p.declaredMinor, 'CNY', locale)})`,
                left: formatAmount(p.amountMinor - p.declaredMinor, 'CNY', locale),
              }))}
              offices={CUSTOMS_OFFICE_KEYS.map((k) => ({ value: k, name: `${zh ? CUSTOMS_OFFICES[k].nameZh : CUSTOMS_OFFICES[k].nameEn} (${CUSTOMS_OFFICES[k].customsCode})` }))}
              certificateTypes={CERTIFICATE_TYPES.map((c) => ({ value: c, name: t(`certificateTypes.${c}`) }))}
              labels={{
                payment: t('payment'),
                choosePayment: t('choosePayment'),
                amount: t('amount'),
                amountHint: t('amountHint'),
                office: t('office'),
                splitOrder: t('splitOrder'),
                subOrderId: t('subOrderId'),
                subOrderHint: t('subOrderHint'),
                identity: t('identity'),
                certificateType: t('certificateType'),
                certificateNo: t('certificateNo'),
                holderName: t('holderName'),
                noCertificate: t('noCertificate'),
                declare: t('declare'),
                declared: t('declared'),
              }}
            />
          )}
        </section>
      ) : null}

      {can(actor.role, 'settings.manage') ? (
        <section aria-labelledby="registration-title" className="mb-8 max-w-3xl rounded-lg border border-slate-200 bg-white p-6">
          <h2 id="registration-title" className="mb-4 text-lg font-semibold">
            {t('registrationTitle')}
          </h2>
          <RegistrationForm
            current={{ code: settings.customsMerchantCode ?? '', name: settings.customsMerchantName ?? '' }}
            labels={{ code: t('registrationCode'), name: t('registrationName'), save: t('registrationSave'), saved: t('registrationSaved') }}
          />
        </section>
      ) : null}

      <section aria-labelledby="declarations-title">
        <h2 id="declarations-title" className="mb-3 text-lg font-semibold">
          {t('listTitle')}
        </h2>
        {declarations.length === 0 ? (
          <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700">{t('empty')}</p>
        ) : (
          <DataTable caption={t('listTitle')} columns={[t('requestId'), t('payment'), t('amount'), t('customsCode'), t('status'), t('customsAnswer'), t('created'), '']}>
            {declarations.map((d) => (
              <tr key={d.id} data-testid={`declaration-${d.declarationRequestId}`} className="align-top">
                <td className="px-4 py-3 font-mono text-xs">{d.declarationRequestId}</td>
                <td className="px-4 py-3 font-mono text-xs">
                  {d.paymentRequestId}
                  {d.subOrderId ? <div className="text-slate-700">{d.subOrderId}</div> : null}
                </td>
                <td className="whitespace-nowrap px-4 py-3">{formatAmount(d.amountMinor, 'CNY', locale)}</td>
                <td className="px-4 py-3">{d.customsCode}</td>
                <td className="px-4 py-3" data-testid="declaration-status">
                  <Badge tone={TONE[d.status]}>{t(`statuses.${d.status}`)}</Badge>
                </td>
                <td className="px-4 py-3 text-xs">{d.customsResultDesc ?? d.resultMessage ?? '—'}</td>
                <td className="whitespace-nowrap px-4 py-3">
                  <ZonedTime value={d.createdAt} />
                </td>
                <td className="px-4 py-3">
                  {canDeclare && (d.status === 'WAITING' || d.status === 'UNKNOWN' || d.status === 'CREATED') ? (
                    <RefreshButton declarationId={d.id} label={t('checkNow')} done={t('checked')} />
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}
