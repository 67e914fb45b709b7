'use client';

import { useState } from 'react';
import { TextField } from '@/components/ui/field';
import type { ActionResult } from '@/lib/auth/staff-action';

export interface StepUpLabels {
  label: string;
  hint: string;
  /** Words per failure code (step_up_required, step_up_wrong_code, step_up_code_used). */
  errors: Record<string, string>;
}

/**
 * The step-up code field of the refund and charge forms: hidden until the server answers that this amount needs
 * a fresh TOTP code, then kept for the next tries. The server decides (the threshold is never trusted from here).
 */
export function StepUpField({ state, labels }: { state: ActionResult<unknown> | null; labels: StepUpLabels }) {
  const [asked, setAsked] = useState(false);
  const failure = state && !state.ok && state.code.startsWith('step_up_') ? state : null;
  // Once asked, the field stays for the next tries (state adjusted while rendering, as React recommends).
  if (failure && !asked) setAsked(true);
  if (!asked && !failure) return null;
  return (
    <TextField
      id="step-up-code"
      name="stepUpCode"
      label={labels.label}
      hint={labels.hint}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      required
      errors={failure ? [labels.errors[failure.code] ?? failure.error] : undefined}
    />
  );
}
