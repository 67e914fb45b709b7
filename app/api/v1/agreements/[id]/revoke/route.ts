import { methodNotAllowed, nextApiHandler } from '@/lib/api/next-handler';

export const dynamic = 'force-dynamic';
export const POST = nextApiHandler('revokeAgreement');
export const GET = methodNotAllowed('POST');
