import { describe, expect, it } from 'vitest';
import { RESULT_ACTION_LABELS, RESULT_CODES, classifyResult, describeResult } from './result-codes';

describe('classifyResult', () => {
  it.each([
    [{ resultStatus: 'S', resultCode: 'SUCCESS' }, 'success'],
    [{ resultStatus: 'F', resultCode: 'USER_BALANCE_NOT_ENOUGH' }, 'failed'],
    [{ resultStatus: 'U', resultCode: 'PAYMENT_IN_PROCESS' }, 'unknown'],
    [{ resultStatus: 'U', resultCode: 'SOMETHING_NEW' }, 'unknown'],
    [{ resultStatus: 'F', resultCode: 'SOMETHING_NEW' }, 'failed'],
    [{ resultStatus: 'S', resultCode: 'SOMETHING_NEW' }, 'success'],
    // Contradictions resolve to unknown: never guess a final state.
    [{ resultStatus: 'S', resultCode: 'USER_BALANCE_NOT_ENOUGH' }, 'unknown'],
    [{ resultStatus: 'F', resultCode: 'PAYMENT_IN_PROCESS' }, 'unknown'],
    [{ resultStatus: 'X', resultCode: 'SUCCESS' }, 'unknown'],
    [{}, 'unknown'],
    [undefined, 'unknown'],
  ] as const)('%j → %s', (r, outcome) => expect(classifyResult(r)).toBe(outcome));
});

describe('RESULT_CODES', () => {
  it('has both languages and at least one action for every code', () => {
    for (const info of Object.values(RESULT_CODES)) {
      expect(info.meaning.en.length).toBeGreaterThan(5);
      expect(info.meaning['zh-CN'].length).toBeGreaterThan(2);
      expect(info.actions.length).toBeGreaterThan(0);
      for (const a of info.actions) expect(RESULT_ACTION_LABELS[a]).toBeDefined();
    }
  });
  it('covers the codes the client must react to', () => {
    for (const c of ['SUCCESS', 'PAYMENT_IN_PROCESS', 'INVALID_ACCESS_TOKEN', 'USER_BALANCE_NOT_ENOUGH', 'CANCEL_WINDOW_EXCEED', 'REPEAT_REQ_INCONSISTENT', 'INVALID_SIGNATURE']) {
      expect(RESULT_CODES[c]).toBeDefined();
    }
    expect(RESULT_CODES['INVALID_ACCESS_TOKEN']?.actions[0]).toBe('reauthorize');
    expect(RESULT_CODES['UNKNOWN_EXCEPTION']?.actions[0]).toBe('retry_same_id');
  });
});

describe('describeResult', () => {
  it('describes known codes in both languages', () => {
    expect(describeResult({ resultStatus: 'F', resultCode: 'USER_BALANCE_NOT_ENOUGH' }).meaning).toMatch(/balance/);
    expect(describeResult({ resultStatus: 'F', resultCode: 'USER_BALANCE_NOT_ENOUGH' }, 'zh-CN').meaning).toMatch(/余额/);
  });
  it('falls back by status for unknown codes', () => {
    const d = describeResult({ resultStatus: 'U', resultCode: 'NEW_CODE', resultMessage: 'try later' });
    expect(d).toMatchObject({ outcome: 'unknown', known: false, actions: ['retry_same_id', 'inquire'] });
    expect(d.meaning).toContain('NEW_CODE');
  });
});
