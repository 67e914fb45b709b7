'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { createCustomerAction } from './actions';
import { ActionMessage } from '@/components/ui/action-message';

export interface CreateCustomerLabels {
  reference: string;
  referenceHint: string;
  name: string;
  email: string;
  phone: string;
  phoneHint: string;
  country: string;
  countryHint: string;
  preferredLanguage: string;
  languageHint: string;
  noLanguage: string;
  submit: string;
  created: string;
  open: string;
}

/** Adds a customer; labels come from the server page (the client catalogue carries no dashboard strings). */
export function CreateCustomerForm({ labels, languages }: { labels: CreateCustomerLabels; languages: { value: string; name: string }[] }) {
  const [state, action, pending] = useActionState(createCustomerAction, null as ActionResult<{ id: string; name: string }> | null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-2">
      <TextField id="customer-reference" name="reference" label={labels.reference} hint={labels.referenceHint} required maxLength={64} errors={errors?.reference} />
      <TextField id="customer-name" name="name" label={labels.name} required maxLength={120} autoComplete="off" errors={errors?.name} />
      <TextField id="customer-email" name="email" type="email" label={labels.email} autoComplete="off" errors={errors?.email} />
      <TextField id="customer-phone" name="phone" type="tel" label={labels.phone} hint={labels.phoneHint} autoComplete="off" errors={errors?.phone} />
      <TextField id="customer-country" name="country" label={labels.country} hint={labels.countryHint} maxLength={2} pattern="[A-Za-z]{2}" autoComplete="off" className="block min-h-10 w-24 rounded-md border border-slate-400 bg-white px-3 py-2 text-sm uppercase text-slate-900 aria-invalid:border-red-700" errors={errors?.country} />
      <SelectField id="customer-language" name="preferredLanguage" label={labels.preferredLanguage} hint={labels.languageHint} defaultValue="" errors={errors?.preferredLanguage}>
        <option value="">{labels.noLanguage}</option>
        {languages.map((l) => (
          <option key={l.value} value={l.value} lang={l.value}>
            {l.name}
          </option>
        ))}
      </SelectField>
      <ActionMessage
        state={state}
        className="text-sm sm:col-span-2"
        success={
          state?.ok ? (
            <>
              {labels.created}{' '}
              <Link href={`/dashboard/customers/${state.data.id}`} className="font-medium text-blue-800 underline">
                {labels.open}
              </Link>
            </>
          ) : null
        }
      />
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {labels.submit}
        </Button>
      </div>
    </form>
  );
}
