// NoEmptyContinuation: empty lines inside a continued instruction (reported by the parser).
import { finding } from './types.js';
import type { CheckRule } from './types.js';

export const noEmptyContinuation: CheckRule = {
  name: 'NoEmptyContinuation',
  run(input) {
    return input.dockerfile.warnings
      .filter((w) => /empty continuation/i.test(w.message))
      .map((w) => finding(input, this.name, 'Empty continuation line', w.range));
  },
};
