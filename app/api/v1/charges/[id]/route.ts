import { methodNotAllowed, nextApiHandler } from '@/lib/api/next-handler';

export const dynamic = 'force-dynamic';
export const GET = nextApiHandler('getCharge');
export const POST = methodNotAllowed('GET, HEAD');
