import { getNotificationDeps } from '@/lib/notifications/app-deps';
import { receiveNotification } from '@/lib/notifications/receive-notification';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// POST /api/alipay/notify/refund — Antom's notify URL for refund notifications (verify, store, ack).
export async function POST(request: Request): Promise<Response> {
  return receiveNotification(await getNotificationDeps(), 'refund', request);
}
