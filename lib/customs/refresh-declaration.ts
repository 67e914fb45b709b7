import { z } from 'zod';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/permissions';
import { eq } from 'drizzle-orm';
import { customsDeclarations, type CustomsDeclaration } from '@/lib/db/schema';
import { fail, ok, type ServiceResult } from '@/lib/service-result';
import type { CustomsDeps } from './customs-deps';
import { pollCustomsDeclarations } from './poll-customs-declarations';

export const refreshDeclarationInput = z.object({ declarationId: z.uuid() });

/** Staff "check now": runs the poller for one declaration instead of waiting for the next minute. */
export async function refreshDeclaration(deps: CustomsDeps, actor: Actor, input: z.output<typeof refreshDeclarationInput>): Promise<ServiceResult<CustomsDeclaration>> {
  assertCan(actor, 'customs.declare');
  await pollCustomsDeclarations(deps, { onlyIds: [input.declarationId] });
  const [row] = await deps.db.select().from(customsDeclarations).where(eq(customsDeclarations.id, input.declarationId));
  return row ? ok(row) : fail('not_found', 'No such declaration.');
}
