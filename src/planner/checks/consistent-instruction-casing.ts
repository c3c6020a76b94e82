// ConsistentInstructionCasing: every instruction keyword in the casing of the majority.
import type { Instruction } from '../../parser/index.js';
import { finding, keywordOf } from './types.js';
import type { CheckRule } from './types.js';

export const consistentInstructionCasing: CheckRule = {
  name: 'ConsistentInstructionCasing',
  run(input) {
    const df = input.dockerfile;
    // Like BuildKit, only FROM and the instructions of stages count (not global ARGs).
    const all: Instruction[] = df.stages.flatMap((s) => [s.from, ...s.instructions]);
    let lower = 0;
    let upper = 0;
    for (const ins of all) {
      const word = keywordOf(ins.original);
      if (word === word.toLowerCase()) lower++;
      else if (word === word.toUpperCase()) upper++;
    }
    const majorityLower = lower > upper;
    const casing = majorityLower ? 'lowercase' : 'uppercase';
    return all.flatMap((ins) => {
      const word = keywordOf(ins.original);
      const expected = majorityLower ? word.toLowerCase() : word.toUpperCase();
      if (word === expected) return [];
      return [finding(input, this.name, `Command '${word}' should match the case of the command majority (${casing})`, ins.range)];
    });
  },
};
