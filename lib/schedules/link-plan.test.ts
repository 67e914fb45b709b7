import { describe, expect, it } from 'vitest';
import { checkLinkPlan, effectivePlan, planFirstDate } from './link-plan';

const now = new Date('2027-04-20T04:00:00Z'); // 20 April, noon in Shanghai
const base = { amount: '499.00', currency: 'PHP', description: 'Monthly box', intervalUnit: 'month', intervalCount: 1, startDate: '2027-05-01' };

describe('link plans', () => {
  it('checks a plan and stores the amount as minor units in the currency', () => {
    const ok = checkLinkPlan(base, now);
    expect(ok).toEqual({ ok: true, data: { amountMinor: '49900', currency: 'PHP', description: 'Monthly box', intervalUnit: 'month', intervalCount: 1, anchorDay: null, startDate: '2027-05-01', endDate: null, maxPeriods: null, timeZone: 'Asia/Shanghai' } });
    expect(checkLinkPlan({ ...base, amount: '49900', amountIsMinor: true }, now)).toEqual(ok);
    expect(checkLinkPlan({ ...base, currency: 'php' }, now).ok).toBe(true);
    for (const [change, field] of [
      [{ amount: '4.999' }, 'amount'],
      [{ amount: '0' }, 'amount'],
      [{ amount: '49.9', amountIsMinor: true }, 'amount'],
      [{ currency: 'ZZZ' }, 'currency'],
      [{ intervalUnit: 'fortnight' }, 'intervalUnit'],
      [{ startDate: '2027-04-19' }, 'startDate'],
      [{ endDate: '2027-04-30' }, 'endDate'],
      [{ timeZone: 'Mars/Base' }, 'timeZone'],
    ] as const) {
      const r = checkLinkPlan({ ...base, ...change }, now);
      expect(r.ok, JSON.stringify(change)).toBe(false);
      if (!r.ok) expect(Object.keys(r.fieldErrors ?? {})).toEqual([field]);
    }
  });

  it('a start that passed while the link was open starts on the day the buyer agrees; an anchor keeps its day', () => {
    const plan = checkLinkPlan(base, now);
    if (!plan.ok) throw new Error(plan.error);
    expect(planFirstDate(plan.data, now)).toBe('2027-05-01');
    const later = new Date('2027-05-03T04:00:00Z');
    expect(effectivePlan(plan.data, later).startDate).toBe('2027-05-03');
    expect(planFirstDate(plan.data, later)).toBe('2027-05-03');
    const anchored = checkLinkPlan({ ...base, anchorDay: 31 }, now);
    if (!anchored.ok) throw new Error(anchored.error);
    expect(planFirstDate(anchored.data, now)).toBe('2027-05-31');
    expect(planFirstDate(anchored.data, new Date('2027-06-02T04:00:00Z'))).toBe('2027-06-30');
  });
});
