import { describe, expect, it } from 'vitest';
import { formDataToObject } from './staff-action';

describe('formDataToObject', () => {
  it('keeps single fields as strings, repeated ones as arrays, and drops Next action fields', () => {
    const form = new FormData();
    form.append('name', 'Ana');
    form.append('method', 'GCASH');
    form.append('method', 'MAYA');
    form.append('$ACTION_ID_abc', '');
    expect(formDataToObject(form)).toEqual({ name: 'Ana', method: ['GCASH', 'MAYA'] });
  });
});
