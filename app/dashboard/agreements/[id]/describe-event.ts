type Translate = (key: string, values?: Record<string, string | number>) => string;

const text = (v: unknown) => (typeof v === 'string' && v ? v : '—');

/**
 * One timeline entry in words. `detail` is whatever the agreement services recorded (lib/agreements,
 * `recordAgreementEvent`); unknown types and fields are still shown, as key: value pairs.
 */
export function describeEvent(t: Translate, type: string, detail: Record<string, unknown> | null): string {
  const d = detail ?? {};
  const outcome = (v: unknown) => (v === 'success' || v === 'failed' || v === 'unknown' ? t(`outcome.${v}`) : text(v));
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
        by: d.by === 'staff' || d.by === 'buyer' ? t(`by.${d.by}`) : text(d.by),
        outcome: outcome(d.outcome),
        resultCode: text(d.resultCode),
      });
    case 'return_refused':
      return d.reason === 'foreign_browser' || d.reason === 'reused_state' || d.reason === 'expired_state' ? t(`refused.${d.reason}`) : t('refused.other', { reason: text(d.reason) });
    default: {
      const fields = Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      return fields.length ? t('otherDetail', { detail: fields.join(', ') }) : t('noDetail');
    }
  }
}
