'use server';

import { z } from 'zod';
import { staffAction } from '@/lib/auth/staff-action';
import { getTokenVault } from '@/lib/crypto/app-vault';
import { env, gatewayMode } from '@/lib/env';
import { enqueueJob } from '@/lib/jobs/process-queue';
import { createWebhookEndpoint, createWebhookEndpointInput, disableWebhookEndpoint, replayWebhookDelivery, rotateWebhookSecret } from '@/lib/webhooks/webhook-endpoints';

const PAGE = '/dashboard/settings/webhooks';

export const createWebhookEndpointAction = staffAction({
  schema: createWebhookEndpointInput,
  permission: 'settings.manage',
  run: ({ db, actor }, input) => createWebhookEndpoint(db, getTokenVault(), actor, input, gatewayMode(env()) === 'antom'),
  revalidate: PAGE,
});

export const rotateWebhookSecretAction = staffAction({
  schema: z.object({ endpointId: z.uuid() }),
  permission: 'settings.manage',
  run: ({ db, actor }, input) => rotateWebhookSecret(db, getTokenVault(), actor, input.endpointId),
  revalidate: PAGE,
});

export const disableWebhookEndpointAction = staffAction({
  schema: z.object({ endpointId: z.uuid() }),
  permission: 'settings.manage',
  run: ({ db, actor }, input) => disableWebhookEndpoint(db, actor, input.endpointId),
  revalidate: PAGE,
});

export const replayWebhookDeliveryAction = staffAction({
  schema: z.object({ deliveryId: z.uuid() }),
  permission: 'settings.manage',
  run: ({ db, actor }, input) => replayWebhookDelivery(db, actor, enqueueJob, input.deliveryId),
  revalidate: PAGE,
});
