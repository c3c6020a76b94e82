// One size rule (go-units RAMInBytes) behind `prune --keep-storage`, `--memory` and
// `RUN --mount=type=tmpfs,size=`: the same text gives the same bytes on all three.
import { describe, expect, it } from 'vitest';
import { parseSize } from '../../src/cache/size.js';
import { parseMemorySize } from '../../src/container/sizes.js';
import { parseMount } from '../../src/parser/mounts.js';

function tmpfsSize(text: string): number | undefined {
  const spec = parseMount(`type=tmpfs,target=/t,size=${text}`);
  return spec.type === 'tmpfs' ? spec.size : undefined;
}

describe('byte sizes', () => {
  it.each([
    ['64m', 64 * 1024 ** 2], ['64MiB', 64 * 1024 ** 2], ['64mi', 64 * 1024 ** 2], ['1.5g', 1.5 * 1024 ** 3],
    ['10 GB', 10 * 1024 ** 3], ['1p', 1024 ** 5], ['1T', 1024 ** 4], ['8388608', 8388608], ['7.0001m', 7340136],
  ])('%s is %d bytes everywhere', (text, bytes) => {
    expect([parseSize(text), parseMemorySize(text), tmpfsSize(text)]).toEqual([bytes, bytes, bytes]);
  });

  it.each(['lots', '1e3', '-1m', '1x', '1.m', '10  GB'])('%s is refused everywhere', (text) => {
    expect(() => parseSize(text)).toThrow(/invalid size/);
    expect(() => parseMemorySize(text)).toThrow(/invalid memory size/);
    expect(() => tmpfsSize(text)).toThrow(/invalid size/);
  });
});
