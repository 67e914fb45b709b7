'use client';

import { useActionState, useState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { declareCustomsAction } from './actions';

export interface DeclareFormLabels {
  payment: string;
  choosePayment: string;
  amount: string;
  amountHint: string;
  office: string;
  splitOrder: string;
  subOrderId: string;
  subOrderHint: string;
  identity: string;
  certificateType: string;
  certificateNo: string;
  holderName: string;
  noCertificate: string;
  declare: string;
  declared: string;
}

/**
 * The declare form. `declarationRequestId` is minted with the page, so a double submit is one declaration
 * (the service answers the existing row) — and the same id is Antom's idempotency key.
 */
export function DeclareForm({
  payments,
  offices,
  certificateTypes,
  declarationRequestId,
  labels,
}: {
  payments: { id: string; label: string; left: string }[];
  offices: { value: string; name: string }[];
  certificateTypes: { value: string; name: string }[];
  declarationRequestId: string;
  labels: DeclareFormLabels;
}) {
  const [state, action, pending] = useActionState(declareCustomsAction, null as ActionResult<unknown> | null);
  const [split, setSplit] = useState(false);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-2" data-testid="declare-form">
      <input type="hidden" name="declarationRequestId" value={declarationRequestId} />
      <div className="sm:col-span-2">
        <SelectField id="declare-payment" name="paymentId" label={labels.payment} required errors={errors?.['paymentId']} defaultValue="">
          <option value="" disabled>
            {labels.choosePayment}
          </option>
          {payments.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField id="declare-amount" name="amount" label={labels.amount} hint={labels.amountHint} inputMode="decimal" required errors={errors?.['amount']} />
      <SelectField id="declare-office" name="office" label={labels.office} required errors={errors?.['office']} defaultValue="ZONGSHU">
        {offices.map((o) => (
          <option key={o.value} value={o.value}>
            {o.name}
          </option>
        ))}
      </SelectField>
      <div className="flex items-center gap-2 sm:col-span-2">
        <input id="declare-split" name="splitOrder" type="checkbox" className="h-5 w-5" checked={split} onChange={(e) => setSplit(e.target.checked)} />
        <label htmlFor="declare-split" className="text-sm text-slate-800">
          {labels.splitOrder}
        </label>
      </div>
      {split ? <TextField id="declare-suborder" name="subOrderId" label={labels.subOrderId} hint={labels.subOrderHint} maxLength={64} required errors={errors?.['subOrderId']} /> : null}
      <fieldset className="grid gap-4 rounded-md border border-slate-200 p-4 sm:col-span-2 sm:grid-cols-3">
        <legend className="px-1 text-sm font-medium text-slate-800">{labels.identity}</legend>
        <SelectField id="declare-cert-type" name="certificateType" label={labels.certificateType} defaultValue="" errors={errors?.['certificateType']}>
          <option value="">{labels.noCertificate}</option>
          {certificateTypes.map((c) => (
            <option key={c.value} value={c.value}>
              {c.name}
            </option>
          ))}
        </SelectField>
        <TextField id="declare-cert-no" name="certificateNo" label={labels.certificateNo} maxLength={64} autoComplete="off" errors={errors?.['certificateNo']} />
        <TextField id="declare-holder" name="holderName" label={labels.holderName} maxLength={128} autoComplete="off" errors={errors?.['holderName']} />
      </fieldset>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {labels.declare}
        </Button>
        <ActionMessage state={state} success={labels.declared} />
      </div>
    </form>
  );
}
