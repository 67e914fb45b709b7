'use server';

import { staffAction } from '@/lib/auth/staff-action';
import { createStaffUser, createStaffUserInput } from '@/lib/staff/create-staff-user';
import { revokeStaffSessions, revokeStaffSessionsInput } from '@/lib/staff/revoke-staff-sessions';
import { unlockStaffUser, unlockStaffUserInput } from '@/lib/staff/unlock-staff-user';
import { updateStaffUser, updateStaffUserInput } from '@/lib/staff/update-staff-user';

const PAGE = '/dashboard/settings/users';

export const createStaffUserAction = staffAction({
  schema: createStaffUserInput,
  permission: 'users.manage',
  run: ({ db, actor }, input) => createStaffUser(db, actor, input),
  revalidate: PAGE,
});

export const updateStaffUserAction = staffAction({
  schema: updateStaffUserInput,
  permission: 'users.manage',
  run: ({ db, actor }, input) => updateStaffUser(db, actor, input),
  revalidate: PAGE,
});

export const revokeStaffSessionsAction = staffAction({
  schema: revokeStaffSessionsInput,
  permission: 'sessions.revoke',
  run: ({ db, actor }, input) => revokeStaffSessions(db, actor, input),
  revalidate: PAGE,
});

export const unlockStaffUserAction = staffAction({
  schema: unlockStaffUserInput,
  permission: 'users.manage',
  run: ({ db, actor }, input) => unlockStaffUser(db, actor, input),
  revalidate: PAGE,
});
