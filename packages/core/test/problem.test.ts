import { describe, expect, it } from 'vitest';
import { errorMessage, formatProblem } from '../src/problem.ts';

describe('formatProblem', () => {
  it('prints FILE:LINE:COL like a compiler', () => {
    expect(
      formatProblem({
        file: 'requests/a.yaml',
        line: 3,
        column: 9,
        field: 'spec.size',
        message: 'must be > 0',
      }),
    ).toBe('requests/a.yaml:3:9: spec.size: must be > 0');
  });
  it('omits the position when the problem is about the whole file', () => {
    expect(formatProblem({ file: 'a.yaml', line: 0, column: 0, field: '', message: 'too large' })).toBe(
      'a.yaml: too large',
    );
  });
});

describe('errorMessage', () => {
  it('never prints [object Object]', () => {
    expect(errorMessage({ code: 409 })).toBe('{"code":409}');
    expect(errorMessage(new Error('boom'))).toBe('boom');
  });
});
