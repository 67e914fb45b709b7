'use server';

import { staffAction } from '@/lib/auth/staff-action';
import { getCustomsDeps } from '@/lib/customs/app-deps';
import { declareCustoms, declareCustomsInput } from '@/lib/customs/declare-customs';
import { refreshDeclaration, refreshDeclarationInput } from '@/lib/customs/refresh-declaration';
import { updateMerchantSettings, updateMerchantSettingsInput } from '@/lib/settings/update-merchant-settings';

export const declareCustomsAction = staffAction({
  schema: declareCustomsInput,
  permission: 'customs.declare',
  run: async ({ actor }, input) => {
    const result = await declareCustoms(await getCustomsDeps(), actor, input);
    // The page re-renders the row; only its id and status travel back.
    return result.ok ? { ok: true as const, data: { id: result.data.id, status: result.data.status } } : result;
  },
  revalidate: '/dashboard/customs',
});

export const refreshDeclarationAction = staffAction({
  schema: refreshDeclarationInput,
  permission: 'customs.declare',
  run: async ({ actor }, input) => {
    const result = await refreshDeclaration(await getCustomsDeps(), actor, input);
    return result.ok ? { ok: true as const, data: { status: result.data.status } } : result;
  },
  revalidate: '/dashboard/customs',
});

// The customs registration lives in merchant settings; admins edit it here, next to where it is used.
export const saveCustomsRegistrationAction = staffAction({
  schema: updateMerchantSettingsInput.pick({ customsMerchantCode: true, customsMerchantName: true }).required(),
  permission: 'settings.manage',
  run: ({ db, actor }, input) => updateMerchantSettings(db, actor, input),
  revalidate: '/dashboard/customs',
});
