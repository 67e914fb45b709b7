'use server';

import { z } from 'zod';
import { createApiKey, createApiKeyInput, revokeApiKey, apiKeyModeFor } from '@/lib/api/api-keys';
import { staffAction } from '@/lib/auth/staff-action';
import { env, gatewayMode } from '@/lib/env';

/** Settings → API keys: a new key; the secret comes back in this answer only. */
export const createApiKeyAction = staffAction({
  schema: createApiKeyInput,
  permission: 'keys.manage',
  run: ({ db, actor }, input) => createApiKey(db, actor, input, apiKeyModeFor(gatewayMode(env()))),
  revalidate: '/dashboard/settings/api-keys',
});

/** Revoking is final: it acts only on the "Yes, …" of the question naming the key (confirm=1). */
export const revokeApiKeyAction = staffAction({
  schema: z.object({ keyId: z.uuid('Not an API key id.') }),
  permission: 'keys.manage',
  confirm: true,
  run: ({ db, actor }, input) => revokeApiKey(db, actor, input.keyId),
  revalidate: '/dashboard/settings/api-keys',
});
