// DuplicateStageName: stage names should be unique (compared case-insensitively).
import { finding } from './types.js';
import type { CheckRule } from './types.js';

export const duplicateStageName: CheckRule = {
  name: 'DuplicateStageName',
  run(input) {
    const seen = new Set<string>();
    return input.dockerfile.stages.flatMap((stage) => {
      const name = stage.from.stageName?.toLowerCase();
      if (!name) return [];
      if (!seen.has(name)) {
        seen.add(name);
        return [];
      }
      return [finding(input, this.name, `Duplicate stage name "${name}", stage names should be unique`, stage.from.range)];
    });
  },
};
