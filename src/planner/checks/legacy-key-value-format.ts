// LegacyKeyValueFormat: `ENV key value` / `LABEL key value` instead of `key=value`.
import { keywordOf, finding } from './types.js';
import type { CheckRule } from './types.js';

export const legacyKeyValueFormat: CheckRule = {
  name: 'LegacyKeyValueFormat',
  run(input) {
    return input.dockerfile.stages.flatMap((stage) =>
      stage.instructions.flatMap((ins) => {
        if (ins.kind !== 'ENV' && ins.kind !== 'LABEL') return [];
        const rest = ins.original.trim().slice(keywordOf(ins.original).length).trim();
        const firstWord = /^\S+/.exec(rest)?.[0] ?? '';
        if (firstWord.includes('=')) return [];
        return [finding(input, this.name, `"${ins.kind} key=value" should be used instead of legacy "${ins.kind} key value" format`, ins.range)];
      }),
    );
  },
};
