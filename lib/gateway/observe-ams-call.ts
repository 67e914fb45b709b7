import type { AlipayCallEvent } from '@/lib/alipay';
import { log } from '@/lib/log';
import { metrics } from '@/lib/metrics';

/** The `result` label of one AMS attempt: Antom's S / F / U, or what went wrong on the way. */
export function amsResult(event: Pick<AlipayCallEvent, 'error' | 'response' | 'resultStatus' | 'signatureVerified'>): string {
  if (event.error) return event.error.code === 'TIMEOUT' ? 'timeout' : event.error.code === 'NETWORK_ERROR' ? 'network' : 'error';
  if (event.response && event.response.status >= 500) return 'http_5xx';
  if (event.response && event.response.status !== 200) return `http_${event.response.status}`;
  if (event.signatureVerified === false) return 'unverified';
  return event.resultStatus && /^[SFU]$/.test(event.resultStatus) ? event.resultStatus : 'other';
}

function codeLabel(code: string | undefined): string {
  return code && /^[A-Z0-9_]{1,64}$/.test(code) ? code : code ? 'OTHER' : 'NONE';
}

/**
 * Every AMS attempt: one log line (endpoint, subject, result, code, duration, retry — never headers, bodies,
 * tokens or signatures) and the call metrics. Runs inside the caller's log context, so the line carries the
 * charge's correlation id.
 */
export function observeAmsCall(event: AlipayCallEvent): void {
  const result = amsResult(event);
  const code = codeLabel(event.resultCode ?? event.error?.code);
  const m = metrics();
  m.amsCalls.inc({ endpoint: event.endpoint, result, code });
  m.amsDuration.observe({ endpoint: event.endpoint }, event.durationMs / 1000);
  const level = result === 'S' || result === 'F' ? 'info' : 'warn';
  log()[level](
    {
      ams: event.endpoint,
      subject: event.subject,
      attempt: event.attempt,
      result,
      code,
      httpStatus: event.response?.status,
      ms: Math.round(event.durationMs),
      willRetry: event.willRetry,
    },
    'ams call',
  );
}
