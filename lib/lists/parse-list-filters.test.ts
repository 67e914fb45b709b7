import { describe, expect, it } from 'vitest';
import { filtersToQuery, parseListFilters } from './parse-list-filters';

const STATUSES = ['SUCCEEDED', 'FAILED'];

describe('parseListFilters', () => {
  it('reads a shared URL back into the same filters (round trip)', () => {
    const url = 'q=demo-pay-00001&status=SUCCEEDED&wallet=GCASH&currency=PHP&min=10.5&max=2000&from=2026-11-01&to=2026-11-30&sort=amount_desc';
    const parsed = parseListFilters(new URLSearchParams(url), { statuses: STATUSES });
    expect(parsed.ok).toBe(true);
    expect(parsed.filters.minAmount).toBe(1050n);
    expect(parsed.filters.maxAmount).toBe(200000n);
    expect(filtersToQuery(parsed.filters).toString()).toBe('q=demo-pay-00001&status=SUCCEEDED&wallet=GCASH&currency=PHP&min=10.50&max=2000.00&from=2026-11-01&to=2026-11-30&sort=amount_desc');
  });

  it('uses the currency exponent for amounts: 500 KRW is 500 minor units, 5.5 KRW is refused', () => {
    expect(parseListFilters({ currency: 'KRW', min: '500' }).filters.minAmount).toBe(500n);
    const bad = parseListFilters({ currency: 'KRW', min: '5.5' });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.issues.map((i) => i.code)).toEqual(['amount']);
    expect(bad.filters.minAmount).toBeNull();
  });

  it.each([
    [{ status: 'PAID' }, 'status'],
    [{ wallet: 'VENMO' }, 'wallet'],
    [{ currency: 'XXX' }, 'currency'],
    [{ min: '10' }, 'amountNeedsCurrency'],
    [{ currency: 'PHP', min: '-1' }, 'amount'],
    [{ currency: 'PHP', min: '1e3' }, 'amount'],
    [{ currency: 'PHP', min: '20', max: '10' }, 'amountOrder'],
    [{ from: '2026-02-31' }, 'date'],
    [{ from: '01/02/2026' }, 'date'],
    [{ from: '2026-03-02', to: '2026-03-01' }, 'dateOrder'],
    [{ staff: 'bob' }, 'staff'],
    [{ sort: 'random' }, 'sort'],
    [{ after: "x' or 1=1" }, 'cursor'],
    [{ q: 'x'.repeat(129) }, 'query'],
  ])('%o is refused with a precise issue (%s) and dropped, not widened', (query, code) => {
    const parsed = parseListFilters(query as Record<string, string>, { statuses: STATUSES });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.code)).toEqual([code]);
  });

  it('ignores empty fields a GET form sends', () => {
    expect(parseListFilters({ status: '', wallet: '', min: '', q: '  ' })).toEqual({ ok: true, filters: expect.objectContaining({ status: null, wallet: null, q: null }) });
  });
});
