'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';
import { createWebhookEndpointAction, disableWebhookEndpointAction, replayWebhookDeliveryAction, rotateWebhookSecretAction } from './actions';

function SecretOnce({ secret, label, note }: { secret: string; label: string; note: string }) {
  return (
    <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-medium text-amber-900">{note}</p>
      <label className="mt-1 block text-slate-800">
        {label}
        <input readOnly value={secret} className="mt-1 w-full rounded border border-slate-400 bg-white px-2 py-1 font-mono text-xs" data-testid="webhook-secret" />
      </label>
    </div>
  );
}

export function CreateWebhookEndpointForm() {
  const t = useTranslations('webhooks');
  const [state, action, pending] = useActionState(createWebhookEndpointAction, null as ActionResult<{ secret: string }> | null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4">
      <TextField id="webhook-url" name="url" type="url" label={t('url')} hint={t('urlHint')} required errors={errors?.url} />
      <TextField id="webhook-events" name="eventTypes" label={t('eventTypes')} hint={t('eventTypesHint')} errors={errors?.eventTypes} />
      <ActionMessage state={state} />
      {state?.ok ? <SecretOnce secret={state.data.secret} label={t('secret')} note={t('shownOnce')} /> : null}
      <Button type="submit" disabled={pending}>
        {t('add')}
      </Button>
    </form>
  );
}

export function EndpointControls({ endpointId }: { endpointId: string }) {
  const t = useTranslations('webhooks');
  const [rotateState, rotate, rotating] = useActionState(rotateWebhookSecretAction, null as ActionResult<{ secret: string }> | null);
  const [disableState, disable, disabling] = useActionState(disableWebhookEndpointAction, null as ActionResult<unknown> | null);
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        <form action={rotate}>
          <input type="hidden" name="endpointId" value={endpointId} />
          <Button type="submit" variant="secondary" disabled={rotating}>
            {t('rotate')}
          </Button>
        </form>
        <form action={disable}>
          <input type="hidden" name="endpointId" value={endpointId} />
          <Button type="submit" variant="danger" disabled={disabling}>
            {t('disable')}
          </Button>
        </form>
      </div>
      <ActionMessage state={rotateState && !rotateState.ok ? rotateState : disableState} success={t('disabled')} />
      {rotateState?.ok ? <SecretOnce secret={rotateState.data.secret} label={t('secret')} note={t('rotated')} /> : null}
    </div>
  );
}

export function ReplayButton({ deliveryId }: { deliveryId: string }) {
  const t = useTranslations('webhooks');
  const [state, action, pending] = useActionState(replayWebhookDeliveryAction, null as ActionResult<unknown> | null);
  return (
    <form action={action}>
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {t('replay')}
      </Button>
      <ActionMessage state={state} success={t('replayed')} />
    </form>
  );
}
