import { describe, expect, it } from 'vitest';
import { negotiateLocale } from './locales';

describe('negotiateLocale', () => {
  it.each([
    ['ko-KR,ko;q=0.9,en;q=0.8', 'ko'],
    ['zh-TW,zh;q=0.9', 'zh-HK'],
    ['zh-Hant-HK', 'zh-HK'],
    ['zh-SG,zh;q=0.9', 'zh-CN'],
    ['tl-PH', 'fil'],
    ['fr-FR,th;q=0.5', 'th'],
    ['en-GB', 'en'],
    ['de-DE', null],
    ['', null],
  ])('%s → %s', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });

  it('honours q-values over order and restricts to the supported list', () => {
    expect(negotiateLocale('en;q=0.1, ja;q=0.9')).toBe('ja');
    expect(negotiateLocale('ja, zh-CN;q=0.8', ['en', 'zh-CN'])).toBe('zh-CN');
  });
});
