import { methodNotAllowed, nextApiHandler } from '@/lib/api/next-handler';

export const dynamic = 'force-dynamic';
export const GET = nextApiHandler('getRefund');
export const POST = methodNotAllowed('GET, HEAD');
