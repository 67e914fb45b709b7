'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { ActionMessage } from '@/components/ui/action-message';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { updateTwoFactorSettingsAction } from './two-factor-actions';

export function TwoFactorSettingsForm({ viewers, thresholds }: { viewers: boolean; thresholds: string }) {
  const t = useTranslations('twoFactor');
  const [state, action, pending] = useActionState(updateTwoFactorSettingsAction, null as ActionResult<unknown> | null);
  const errors = state && !state.ok ? state.fieldErrors?.stepUpThresholds : undefined;
  return (
    <form action={action} className="space-y-4">
      <div className="flex items-center gap-2">
        <input id="two-factor-viewers" name="twoFactorForViewers" type="checkbox" value="true" defaultChecked={viewers} className="h-4 w-4" />
        <label htmlFor="two-factor-viewers" className="text-sm text-slate-900">
          {t('settingsViewers')}
        </label>
      </div>
      <div className="space-y-1">
        <label htmlFor="step-up-thresholds" className="block text-sm font-medium text-slate-800">
          {t('settingsThresholds')}
        </label>
        <textarea
          id="step-up-thresholds"
          name="stepUpThresholds"
          rows={3}
          defaultValue={thresholds}
          aria-describedby={errors?.length ? 'step-up-thresholds-hint step-up-thresholds-error' : 'step-up-thresholds-hint'}
          aria-invalid={errors?.length ? true : undefined}
          className="block w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm"
        />
        <p id="step-up-thresholds-hint" className="text-xs text-slate-600">
          {t('settingsThresholdsHint')}
        </p>
        {errors?.length ? (
          <p id="step-up-thresholds-error" role="alert" className="text-xs text-red-700">
            {errors.join(' ')}
          </p>
        ) : null}
      </div>
      <Button type="submit" disabled={pending}>
        {t('settingsSave')}
      </Button>
      <ActionMessage state={state} success={t('settingsSaved')} />
    </form>
  );
}
