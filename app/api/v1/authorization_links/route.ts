import { methodNotAllowed, nextApiHandler } from '@/lib/api/next-handler';

export const dynamic = 'force-dynamic';
export const POST = nextApiHandler('createAuthorizationLink');
export const GET = methodNotAllowed('POST');
