'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { updateMerchantSettingsAction } from './actions';
import { ActionMessage } from '@/components/ui/action-message';

export interface SettingsFormLabels {
  heading: string;
  merchantName: string;
  merchantNameHint: string;
  contracted: string;
  contractedHint: string;
  refundLimits: string;
  refundLimitsHint: string;
  chargeLimits: string;
  chargeLimitsHint: string;
  save: string;
  saving: string;
  saved: string;
  /** Legend of each wallet group, by kind. */
  wallets: string;
  banks: string;
}

export interface SettingsFormMethod {
  code: string;
  kind: 'WALLET' | 'BANK_DIRECT_DEBIT';
  nameEn: string;
  nameLocal: string;
  locale: string;
  regions: readonly string[];
  currency: string;
}

interface Props {
  labels: SettingsFormLabels;
  methods: SettingsFormMethod[];
  /** Field name prefix of the wallet checkboxes (see settings-form-input.ts). */
  methodFieldPrefix: string;
  current: { merchantName: string; contractedMethods: string[]; refundLimitsText: string; chargeLimitsText: string };
}

/** The admins' settings form: a plain form action (works without JavaScript), with the result announced. */
export function MerchantSettingsForm({ labels, methods, methodFieldPrefix, current }: Props) {
  const [state, action, pending] = useActionState(updateMerchantSettingsAction, null as ActionResult<unknown> | null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const methodErrors = errors ? Object.entries(errors).filter(([key]) => key.startsWith('contractedMethods')).flatMap(([, v]) => v) : [];
  const limitErrors = errors ? Object.entries(errors).filter(([key]) => key.startsWith('refundLimits') || key.startsWith('operatorRefundLimits')).flatMap(([, v]) => v) : [];
  const chargeLimitErrors = errors ? Object.entries(errors).filter(([key]) => key.startsWith('chargeLimits') || key.startsWith('operatorChargeLimits')).flatMap(([, v]) => v) : [];
  const contracted = new Set(current.contractedMethods);
  const groups = [
    { legend: labels.wallets, items: methods.filter((m) => m.kind === 'WALLET') },
    { legend: labels.banks, items: methods.filter((m) => m.kind === 'BANK_DIRECT_DEBIT') },
  ].filter((g) => g.items.length);
  return (
    <form action={action} className="space-y-6" aria-labelledby="settings-edit-heading">
      <h2 id="settings-edit-heading" className="text-lg font-semibold">
        {labels.heading}
      </h2>
      <div className="max-w-md">
        <TextField id="settings-merchant-name" name="merchantName" label={labels.merchantName} hint={labels.merchantNameHint} defaultValue={current.merchantName} required maxLength={120} errors={errors?.merchantName} />
      </div>
      <fieldset aria-describedby="settings-contracted-hint">
        <legend className="text-sm font-medium text-slate-800">{labels.contracted}</legend>
        <p id="settings-contracted-hint" className="mt-1 text-xs text-slate-700">
          {labels.contractedHint}
        </p>
        {groups.map((group) => (
          <fieldset key={group.legend} className="mt-3">
            <legend className="text-xs font-semibold uppercase text-slate-700">{group.legend}</legend>
            <ul className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
              {group.items.map((m) => {
                const id = `settings-method-${m.code}`;
                return (
                  <li key={m.code} className="flex items-start gap-2 rounded-md border border-slate-200 p-2">
                    <input id={id} type="checkbox" name={`${methodFieldPrefix}${m.code}`} value="1" defaultChecked={contracted.has(m.code)} className="mt-1 h-4 w-4 shrink-0 accent-blue-700 focus-visible:outline-2 focus-visible:outline-blue-700" />
                    <label htmlFor={id} className="text-sm text-slate-900">
                      <span className="font-medium">{m.nameEn}</span>
                      {m.nameLocal !== m.nameEn ? (
                        <>
                          {' '}
                          <span lang={m.locale}>{m.nameLocal}</span>
                        </>
                      ) : null}
                      <span className="block text-xs text-slate-700">
                        {m.regions.join(', ')} · {m.currency} · <span className="font-mono">{m.code}</span>
                      </span>
                    </label>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        ))}
        {methodErrors.length ? (
          <p role="alert" className="mt-2 text-xs text-red-700">
            {methodErrors.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <LimitsField id="settings-refund-limits" name="refundLimits" label={labels.refundLimits} hint={labels.refundLimitsHint} defaultValue={current.refundLimitsText} errors={limitErrors} />
      <LimitsField id="settings-charge-limits" name="chargeLimits" label={labels.chargeLimits} hint={labels.chargeLimitsHint} defaultValue={current.chargeLimitsText} errors={chargeLimitErrors} />
      <ActionMessage state={state} success={labels.saved} />
      <Button type="submit" disabled={pending}>
        {pending ? labels.saving : labels.save}
      </Button>
    </form>
  );
}

/** A per-currency limits textarea (`CUR=minor` per line) with its hint and its errors announced. */
function LimitsField({ id, name, label, hint, defaultValue, errors }: { id: string; name: string; label: string; hint: string; defaultValue: string; errors: string[] }) {
  return (
    <div className="max-w-md space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={4}
        defaultValue={defaultValue}
        spellCheck={false}
        aria-describedby={`${id}-hint${errors.length ? ` ${id}-error` : ''}`}
        aria-invalid={errors.length ? true : undefined}
        className="block w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm text-slate-900 aria-invalid:border-red-700"
      />
      <p id={`${id}-hint`} className="text-xs text-slate-700">
        {hint}
      </p>
      {errors.length ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-700">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}
