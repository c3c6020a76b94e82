// The ratchet of the buildkit-frontend conformance suite: what breaks `npm run conformance`.
import { describe, expect, it } from 'vitest';
import { applyRatchet } from './buildkit-frontend/ratchet.js';

const results = [{ name: 'passes' }, { name: 'fails', failure: 'differs' }];

describe('buildkit-frontend ratchet', () => {
  it('holds when exactly the listed cases fail', () => {
    const verdict = applyRatchet(results, { fails: 'the difference' }, true);
    expect(verdict.violations).toEqual([]);
    expect(verdict.passed).toBe(1);
    expect(verdict.failed).toEqual(['fails: differs [expected: the difference]']);
  });

  it('breaks on a failure that is not listed', () => {
    expect(applyRatchet(results, {}, true).violations).toEqual(['fails fails and is not in expected-failures.ts: differs']);
  });

  it('breaks on a listed case that passes, so the list shrinks', () => {
    const verdict = applyRatchet(results, { fails: 'x', passes: 'y' }, true);
    expect(verdict.violations).toEqual(['passes passes now: remove it from expected-failures.ts']);
  });

  it('breaks on a listed name that is no case, except when only some cases ran', () => {
    expect(applyRatchet(results, { fails: 'x', gone: 'y' }, true).violations).toEqual(['expected-failures.ts lists gone, which is no case']);
    expect(applyRatchet(results, { fails: 'x', gone: 'y' }, false).violations).toEqual([]);
  });
});
