import { AGREEMENT_EVENT_TYPES, type AgreementEventType } from '@/lib/agreements/agreement-events';

type Translate = (key: string, values?: Record<string, string | number>) => string;

const isKnownType = (type: string): type is AgreementEventType => (AGREEMENT_EVENT_TYPES as readonly string[]).includes(type);

const text = (v: unknown) => (typeof v === 'string' && v ? v : '—');

/**
 * One timeline entry in words. `detail` is whatever the agreement services recorded (lib/agreements,
 * `recordAgreementEvent`); unknown types and fields are still shown, as key: value pairs.
 */
export function describeEvent(t: Translate, type: string, detail: Record<string, unknown> | null): string {
  const d = detail ?? {};
  if (!isKnownType(type)) return describeOther(t, d);
  // 'success' is how rows written before the outcome classifier said 'succeeded'.
  const outcome = (v: unknown) =>
    v === 'success' || v === 'succeeded' ? t('outcome.success') : v === 'failed' || v === 'unknown' || v === 'not_sent' ? t(`outcome.${v}`) : text(v);
  switch (type) {
    case 'consult':
      return t('consult', {
        outcome: outcome(d.outcome),
        resultCode: text(d.resultCode),
        terminal: [d.terminalType, d.osType].filter((v) => typeof v === 'string' && v).join(' / ') || '—',
      });
    case 'returned':
      return d.withCode ? t('returnedWithCode') : t('returnedWithoutCode');
    case 'apply_token':
      return t('applyToken', {
        source: d.source === 'redirect' || d.source === 'notification' ? t(`source.${d.source}`) : text(d.source),
        outcome: outcome(d.outcome),
        resultCode: text(d.resultCode),
      });
    case 'notification':
      if (d.type === 'AUTHCODE_CREATED') return t('notificationAuthCode');
      if (d.type === 'TOKEN_CANCELED') {
        return [t('notificationTokenCanceled', { reason: text(d.reason) }), d.applied ? t('canceledApplied') : t('canceledNoChange')].join(' ');
      }
      return t('notificationOther', { type: text(d.type) });
    case 'revoke':
      return t('revoke', {
        by: d.by === 'staff' || d.by === 'buyer' || d.by === 'system' ? t(`by.${d.by}`) : text(d.by),
        outcome: outcome(d.outcome),
        resultCode: text(d.resultCode),
      });
    case 'return_refused':
      return d.reason === 'foreign_browser' || d.reason === 'reused_state' || d.reason === 'expired_state' ? t(`refused.${d.reason}`) : t('refused.other', { reason: text(d.reason) });
    case 'notification_refused':
      return t('notificationRefused', { type: text(d.type), reason: text(d.reason) });
    case 'expired':
      return t('expired', { reason: text(d.reason) });
    case 'invalidated':
      return t('invalidated', { reason: text(d.reason), resultCode: text(d.resultCode) });
    case 'token_refreshed':
      return t('tokenRefreshed', { outcome: outcome(d.outcome), resultCode: text(d.resultCode), expiresAt: text(d.accessTokenExpiresAt) });
    case 'token_expired':
      return t('tokenExpired', { reason: text(d.reason) });
    case 'token_queried':
      return t('tokenQueried', { outcome: outcome(d.outcome), resultCode: text(d.resultCode), status: text(d.tokenStatus) });
    case 'refresh_token_recovered':
      return t('refreshTokenRecovered');
    case 'token_refresh_halted':
      return t('tokenRefreshHalted', { resultCode: text(d.resultCode) });
    case 'token_refresh_needs_attention':
      return t('tokenRefreshNeedsAttention', { resultCode: text(d.resultCode) });
    case 'token_refresh_refused':
      return t('tokenRefreshRefused', { resultCode: text(d.resultCode) });
    case 'token_refresh_superseded':
      return t('tokenRefreshSuperseded', { resultCode: text(d.resultCode) });
    default: {
      // Exhaustive: a new AgreementEventType that is not described here fails to compile.
      const unhandled: never = type;
      return describeOther(t, { type: unhandled, ...d });
    }
  }
}

function describeOther(t: Translate, d: Record<string, unknown>): string {
  const fields = Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return fields.length ? t('otherDetail', { detail: fields.join(', ') }) : t('noDetail');
}
