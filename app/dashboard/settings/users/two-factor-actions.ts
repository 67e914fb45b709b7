'use server';

import { staffAction } from '@/lib/auth/staff-action';
import { resetSecondFactor, resetSecondFactorInput } from '@/lib/staff/two-factor/two-factor';

export const resetSecondFactorAction = staffAction({
  schema: resetSecondFactorInput,
  permission: 'users.manage',
  run: ({ db, actor }, input) => resetSecondFactor(db, actor, input),
  revalidate: '/dashboard/settings/users',
});
