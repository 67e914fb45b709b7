import { methodNotAllowed, nextApiHandler } from '@/lib/api/next-handler';

export const dynamic = 'force-dynamic';
export const GET = nextApiHandler('getSchedule');
export const POST = methodNotAllowed('GET, HEAD');
