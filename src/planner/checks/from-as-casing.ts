// FromAsCasing: the 'as' keyword should match the case of the 'from' keyword.
import { finding, keywordOf } from './types.js';
import type { CheckRule } from './types.js';

export const fromAsCasing: CheckRule = {
  name: 'FromAsCasing',
  run(input) {
    return input.dockerfile.stages.flatMap((stage) => {
      const words = stage.from.original.trim().split(/\s+/);
      const as = words[words.length - 2];
      if (!stage.from.stageName || !as || as.toLowerCase() !== 'as') return [];
      const from = keywordOf(stage.from.original);
      const fromUpper = from === from.toUpperCase();
      const mismatch = fromUpper ? as !== as.toUpperCase() : as !== as.toLowerCase();
      return mismatch ? [finding(input, this.name, `'${as}' and '${from}' keywords' casing do not match`, stage.from.range)] : [];
    });
  },
};
