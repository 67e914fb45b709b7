'use server';

import { staffAction } from '@/lib/auth/staff-action';
import { ownTimeZoneInput, setMerchantTimeZone, setOwnTimeZone, timeZoneInput } from '@/lib/time/update-time-zone';

/** Admins: the merchant's zone (everyone's day unless they chose their own). */
export const setMerchantTimeZoneAction = staffAction({
  schema: timeZoneInput,
  permission: 'settings.manage',
  run: ({ db, actor }, input) => setMerchantTimeZone(db, actor, input.zone),
  revalidate: '/dashboard',
});

/** Any staff member: their own zone ("" follows the merchant's). */
export const setOwnTimeZoneAction = staffAction({
  schema: ownTimeZoneInput,
  permission: 'dashboard.read',
  run: ({ db, actor }, input) => setOwnTimeZone(db, actor, input.zone === '' ? null : input.zone),
  revalidate: '/dashboard',
});
