// InvalidDefaultArgInFrom: with only the global ARG defaults (no --build-arg), a FROM would
// name an empty or invalid image.
import { expandWord } from '../../parser/index.js';
import type { Dockerfile } from '../../parser/index.js';
import { isReference } from '../../spec/index.js';
import { PLATFORM_ARG_NAMES } from '../platform.js';
import { finding } from './types.js';
import type { CheckRule } from './types.js';

export const invalidDefaultArgInFrom: CheckRule = {
  name: 'InvalidDefaultArgInFrom',
  run(input) {
    const df = input.dockerfile;
    const platformNames: readonly string[] = PLATFORM_ARG_NAMES;
    const defaults = globalDefaults(df, platformNames);
    const stageNames = new Set(df.stages.map((s) => s.from.stageName?.toLowerCase()).filter(Boolean));
    return df.stages.flatMap((stage) => {
      const image = stage.from.image;
      if (!image.includes('$')) return [];
      let value: string;
      try {
        // Platform ARGs always have a value; stand in a valid one so only ARG defaults matter.
        value = expandWord(image, (name) => defaults.get(name) ?? (platformNames.includes(name) ? 'x' : undefined), { escape: df.directives.escape });
      } catch {
        return [];
      }
      if (value !== '' && (stageNames.has(value.toLowerCase()) || value.toLowerCase() === 'scratch' || isReference(value))) return [];
      return [finding(input, this.name, `Default value for ARG ${image} results in empty or invalid base image name`, stage.from.range)];
    });
  },
};

/** Global ARG defaults, each expanded with the ones before it (quotes removed). */
function globalDefaults(df: Dockerfile, platformNames: readonly string[]): Map<string, string> {
  const defaults = new Map<string, string>();
  const lookup = (name: string) => defaults.get(name) ?? (platformNames.includes(name) ? 'x' : undefined);
  for (const ins of df.globalArgs) {
    for (const arg of ins.args) {
      let value = '';
      try {
        value = arg.default === undefined ? '' : expandWord(arg.default, lookup, { escape: df.directives.escape });
      } catch {
        value = '';
      }
      defaults.set(arg.name, value);
    }
  }
  return defaults;
}
