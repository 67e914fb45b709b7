import { createTranslator } from 'next-intl';
import { describe, expect, it } from 'vitest';
import en from '@/messages/en/dashboard.json';
import zh from '@/messages/zh-CN/dashboard.json';
import { AGREEMENT_EVENT_TYPES, type AgreementEventDetails } from '@/lib/agreements/agreement-events';
import { describeEvent } from './describe-event';

// The detail shapes lib/agreements records (recordAgreementEvent call sites).
const EVENTS: [string, Record<string, unknown> | null][] = [
  ['consult', { outcome: 'success', resultCode: 'SUCCESS', terminalType: 'WAP', osType: 'ANDROID' }],
  ['returned', { withCode: true }],
  ['returned', { withCode: false }],
  ['apply_token', { source: 'redirect', outcome: 'failed', resultCode: 'INVALID_CODE' }],
  ['apply_token', { source: 'notification', outcome: 'unknown', resultCode: 'NO_ANSWER' }],
  ['notification', { type: 'AUTHCODE_CREATED' }],
  ['notification', { type: 'TOKEN_CANCELED', reason: null, applied: true }],
  ['notification', { type: 'TOKEN_CANCELED', reason: 'USER_CANCEL', applied: false }],
  ['revoke', { by: 'staff', outcome: 'success', resultCode: 'SUCCESS' }],
  ['return_refused', { reason: 'foreign_browser' }],
  ['return_refused', { reason: 'reused_state' }],
  ['return_refused', { reason: 'expired_state' }],
  ['consult', { outcome: 'not_sent', resultCode: 'INVALID_REQUEST', terminalType: 'WEB', osType: null }],
  ['apply_token', { source: 'redirect', outcome: 'succeeded', resultCode: 'SUCCESS' }],
  ['expired', { cause: 'job', reason: 'AUTH_STATE_EXPIRED' }],
  ['invalidated', { cause: 'job', reason: 'The access token is invalid.', resultCode: 'INVALID_ACCESS_TOKEN' }],
  ['something_new', { a: 1, b: { c: true } }],
  ['something_new', null],
];

function translatorFor(locale: string, messages: Record<string, unknown>) {
  const t = createTranslator({ locale, messages, namespace: 'events', timeZone: 'UTC', onError: (error) => { throw error; } });
  // Messages are untyped here (any key), so widen the translator to describeEvent's signature.
  return t as unknown as (key: string, values?: Record<string, string | number>) => string;
}

describe('describeEvent', () => {
  const t = translatorFor('en', en);

  it('puts each recorded event into words', () => {
    expect(describeEvent(t, 'consult', EVENTS[0]![1])).toBe("Asked Antom for the wallet's authorization page: succeeded, result code SUCCESS, terminal WAP / ANDROID.");
    expect(describeEvent(t, 'apply_token', EVENTS[3]![1])).toBe("Exchanged the authorization code for tokens, triggered by the buyer's return: failed, result code INVALID_CODE.");
    expect(describeEvent(t, 'notification', EVENTS[6]![1])).toBe('Antom reported that the authorization was cancelled in the wallet (TOKEN_CANCELED, reason: —). The agreement was ended.');
    expect(describeEvent(t, 'revoke', EVENTS[8]![1])).toBe('Revocation requested by staff: succeeded, result code SUCCESS.');
    expect(describeEvent(t, 'return_refused', { reason: 'foreign_browser' })).toMatch(/different browser/);
    expect(describeEvent(t, 'something_new', { a: 1, b: { c: true } })).toBe('Details: a: 1, b: {"c":true}');
  });

  it.each([
    ['en', en],
    ['zh-CN', zh],
  ])('has every message it needs in %s', (locale, messages) => {
    const translate = translatorFor(locale, messages);
    // A missing or malformed message throws (onError above) instead of printing its key.
    for (const [type, detail] of EVENTS) expect(describeEvent(translate, type, detail)).not.toMatch(/events\.|\{(outcome|resultCode|reason|source|by|type|detail)\}/);
  });

  it('describes every agreement event type with its own words (none falls through to the generic detail line)', () => {
    // One sample detail per type; the Record type makes this list fail to compile when a type is added.
    const samples: { [K in keyof AgreementEventDetails]: AgreementEventDetails[K] } = {
      consult: { outcome: 'succeeded', resultCode: 'SUCCESS', terminalType: 'WEB', osType: null },
      returned: { withCode: true },
      apply_token: { source: 'notification', outcome: 'unknown', resultCode: 'TIMEOUT' },
      notification: { type: 'AUTHCODE_CREATED' },
      revoke: { by: 'buyer', outcome: 'failed', resultCode: 'INVALID_ACCESS_TOKEN' },
      return_refused: { reason: 'expired_state' },
      notification_refused: { type: 'AUTHCODE_CREATED', reason: 'code_mismatch' },
      expired: { cause: 'job', reason: 'AUTH_STATE_EXPIRED' },
      invalidated: { cause: 'api', reason: 'Token rejected', resultCode: 'INVALID_ACCESS_TOKEN' },
      token_refreshed: { outcome: 'succeeded', resultCode: 'SUCCESS', accessTokenExpiresAt: '2026-12-01T04:00:00.000Z' },
      token_expired: { cause: 'job', reason: 'The refresh token is past its expiry.' },
      token_queried: { outcome: 'succeeded', resultCode: 'SUCCESS', tokenStatus: 'ENABLED' },
      refresh_token_recovered: { via: 'authorizations/query' },
      token_refresh_halted: { resultCode: 'KEY_NOT_FOUND', raised: true },
      token_refresh_needs_attention: { resultCode: 'INVALID_REFRESH_TOKEN' },
      token_refresh_refused: { resultCode: 'PARAM_ILLEGAL' },
      token_refresh_superseded: { resultCode: 'SUCCESS' },
    };
    for (const [locale, messages] of [['en', en], ['zh-CN', zh]] as const) {
      const translate = translatorFor(locale, messages);
      for (const type of AGREEMENT_EVENT_TYPES) {
        const words = describeEvent(translate, type, samples[type] as Record<string, unknown>);
        expect(words, `${locale} ${type}`).not.toMatch(/^(Details|详情)/);
        expect(translate(`type.${type}`), `${locale} type.${type}`).not.toBe(`type.${type}`);
      }
    }
  });
});
