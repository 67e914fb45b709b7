import { log } from '@/lib/log';
import type { AlipayCallEvent } from '@/lib/alipay';
import type { Db } from '@/lib/db/client';
import { apiCalls } from '@/lib/db/schema';

/**
 * Writes one AMS call attempt to the API call log (this domain owns `api_calls`). The event is already
 * redacted by lib/alipay (tokens, authCode, authState, signatures hashed). Best effort: a failed insert is
 * reported by code only and never fails the payment flow it describes.
 */
export async function recordApiCall(db: Db, event: AlipayCallEvent): Promise<void> {
  try {
    await db.insert(apiCalls).values({
      endpoint: event.endpoint,
      path: event.path,
      attempt: event.attempt,
      requestTime: event.requestTime,
      requestBody: parseJson(event.request.body),
      responseStatus: event.response?.status ?? null,
      responseBody: event.response ? parseJson(event.response.body) : null,
      outcome: event.outcome ?? null,
      resultStatus: event.resultStatus ?? null,
      resultCode: event.resultCode ?? null,
      signatureVerified: event.signatureVerified ?? null,
      errorCode: event.error?.code ?? null,
      errorMessage: event.error?.message ?? null,
      durationMs: Math.round(event.durationMs),
      subject: event.subject ?? null,
    });
  } catch (error) {
    log().warn(`could not log ${event.endpoint} for ${event.subject ?? 'no subject'}: ${(error as { code?: string }).code ?? 'error'}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text.slice(0, 2000) };
  }
}
