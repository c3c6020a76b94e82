// ReservedStageName: `scratch` and `context` are reserved and should not name a stage.
import { finding } from './types.js';
import type { CheckRule } from './types.js';

const RESERVED = new Set(['scratch', 'context']);

export const reservedStageName: CheckRule = {
  name: 'ReservedStageName',
  run(input) {
    return input.dockerfile.stages.flatMap((stage) => {
      const name = stage.from.stageName?.toLowerCase();
      if (!name || !RESERVED.has(name)) return [];
      return [finding(input, this.name, `Stage name should not use the same name as reserved stage "${name}"`, stage.from.range)];
    });
  },
};
