import { nextApiHandler } from '@/lib/api/next-handler';

export const dynamic = 'force-dynamic';
export const POST = nextApiHandler('createCharge');
export const GET = nextApiHandler('listCharges');
