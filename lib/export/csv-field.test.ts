import { describe, expect, it } from 'vitest';
import { csvField } from './export-list-csv';

describe('csvField: spreadsheet formulas are defused', () => {
  it('prefixes text starting with = + - @ tab or CR with an apostrophe', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) expect(csvField(s).replace(/^"|"$/g, '')).toMatch(/^'/);
  });

  it('also their full-width forms ＝ ＋ － ＠, and after leading spaces (they were passed through)', () => {
    for (const s of ['＝1+1', '＋1', '－1', '＠SUM(A1)', ' =1+1', '\u3000＝1']) expect(csvField(s).replace(/^"|"$/g, ''), s).toMatch(/^'/);
  });

  it('leaves ordinary text and non-text cells alone', () => {
    expect(csvField('Maria Santos')).toBe('Maria Santos');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-100n, false)).toBe('-100');
  });
});
