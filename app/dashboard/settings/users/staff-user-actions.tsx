'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/staff-action';
import { revokeStaffSessionsAction, unlockStaffUserAction, updateStaffUserAction } from './actions';
import { ActionMessage } from '@/components/ui/action-message';

interface Props {
  userId: string;
  email: string;
  role: 'admin' | 'operator' | 'viewer';
  disabled: boolean;
  locked: boolean;
  isSelf: boolean;
}

/** Per-row controls: change role, disable/enable, sign out everywhere — each a form with its own result. */
export function StaffUserActions({ userId, email, role, disabled, locked, isSelf }: Props) {
  const t = useTranslations('users');
  const roles = useTranslations('roles');
  const [roleState, roleAction, rolePending] = useActionState(updateStaffUserAction, null as ActionResult<unknown> | null);
  const [statusState, statusAction, statusPending] = useActionState(updateStaffUserAction, null as ActionResult<unknown> | null);
  const [revokeState, revokeAction, revokePending] = useActionState(revokeStaffSessionsAction, null as ActionResult<unknown> | null);
  const [unlockState, unlockAction, unlockPending] = useActionState(unlockStaffUserAction, null as ActionResult<unknown> | null);
  const failure = [roleState, statusState, revokeState, unlockState].find((s) => s && !s.ok);
  const selectId = `role-${userId}`;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={roleAction} className="flex items-center gap-2">
        <input type="hidden" name="userId" value={userId} />
        <label htmlFor={selectId} className="sr-only">
          {t('role')} — {email}
        </label>
        <select id={selectId} name="role" defaultValue={role} className="rounded-md border border-slate-400 bg-white px-2 py-1 text-sm">
          {(['viewer', 'operator', 'admin'] as const).map((r) => (
            <option key={r} value={r}>
              {roles(r)}
            </option>
          ))}
        </select>
        <Button type="submit" variant="secondary" disabled={rolePending}>
          {t('changeRole')}
        </Button>
      </form>
      {isSelf ? null : (
        <form action={statusAction}>
          <input type="hidden" name="userId" value={userId} />
          <input type="hidden" name="disabled" value={disabled ? 'false' : 'true'} />
          <Button type="submit" variant={disabled ? 'secondary' : 'danger'} disabled={statusPending}>
            {disabled ? t('enable') : t('disable')}
          </Button>
        </form>
      )}
      {locked ? (
        <form action={unlockAction}>
          <input type="hidden" name="userId" value={userId} />
          <Button type="submit" variant="secondary" disabled={unlockPending}>
            {t('unlock')}
          </Button>
        </form>
      ) : null}
      <form action={revokeAction}>
        <input type="hidden" name="userId" value={userId} />
        <Button type="submit" variant="ghost" disabled={revokePending}>
          {t('revokeSessions')}
        </Button>
      </form>
      <ActionMessage state={failure} className="text-xs" />
    </div>
  );
}
