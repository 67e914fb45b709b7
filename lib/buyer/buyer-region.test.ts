import { describe, expect, it } from 'vitest';
import { orderWalletsForRegion, resolveBuyerRegion } from './buyer-region';

describe('resolveBuyerRegion', () => {
  it('prefers explicit > customer country > geo header > Accept-Language', () => {
    const all = { explicit: 'th', customerCountry: 'PH', geoCountry: 'KR', acceptLanguage: 'ja-JP' };
    expect(resolveBuyerRegion(all)).toBe('TH');
    expect(resolveBuyerRegion({ ...all, explicit: null })).toBe('PH');
    expect(resolveBuyerRegion({ ...all, explicit: null, customerCountry: null })).toBe('KR');
    expect(resolveBuyerRegion({ acceptLanguage: 'ja-JP,en;q=0.5' })).toBe('JP');
    expect(resolveBuyerRegion({ acceptLanguage: 'ko' })).toBe('KR');
    expect(resolveBuyerRegion({ acceptLanguage: 'zh-Hant-HK' })).toBe('HK');
    expect(resolveBuyerRegion({ geoCountry: 'XX', acceptLanguage: 'de' })).toBeNull();
    expect(resolveBuyerRegion({ explicit: 'not a region', customerCountry: 'MY' })).toBe('MY');
  });
});

describe('orderWalletsForRegion', () => {
  const contracted = ['GCASH', 'KAKAOPAY', 'ALIPAY_CN', 'TRUEMONEY', 'MAYA'];
  it('puts the region’s wallets first and folds the rest', () => {
    const { primary, other } = orderWalletsForRegion(contracted, 'PH');
    expect(primary.map((m) => m.code)).toEqual(['GCASH', 'MAYA']);
    expect(other.map((m) => m.code)).toEqual(['ALIPAY_CN', 'KAKAOPAY', 'TRUEMONEY']);
  });
  it('shows everything as primary without a region, and only contracted wallets', () => {
    const { primary, other } = orderWalletsForRegion(['DANA'], null);
    expect(primary.map((m) => m.code)).toEqual(['DANA']);
    expect(other).toEqual([]);
  });
});
