'use server';

import { staffAction } from '@/lib/auth/staff-action';
import { getAlipayClient } from '@/lib/gateway/alipay-client';
import { inquireDiscrepancy, inquireDiscrepancyInput } from '@/lib/reconciliation/inquire-discrepancy';
import { resolveDiscrepancy, resolveDiscrepancyInput } from '@/lib/reconciliation/resolve-discrepancy';

export const resolveDiscrepancyAction = staffAction({
  schema: resolveDiscrepancyInput,
  permission: 'reconciliation.manage',
  run: ({ db, actor }, input) => resolveDiscrepancy(db, actor, input),
  revalidate: '/dashboard/reconciliation',
});

export const inquireDiscrepancyAction = staffAction({
  schema: inquireDiscrepancyInput,
  permission: 'reconciliation.manage',
  run: ({ db, actor }, input) => inquireDiscrepancy({ db, alipay: getAlipayClient() }, actor, input),
  revalidate: '/dashboard/reconciliation',
});
