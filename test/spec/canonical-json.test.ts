// The bytes behind every cache key and step ID, pinned: these outputs were recorded from the two
// implementations this one replaced (src/cache/canonical-json.ts and src/planner/step-id.ts),
// which agreed on all of them but the integer-like keys, where the cache's (on-disk) order won.
import { describe, expect, it } from 'vitest';
import { cacheKey } from '../../src/cache/keys.js';
import { stepIdOf } from '../../src/planner/step-id.js';
import type { Op, StepId } from '../../src/planner/types.js';
import { canonicalJson } from '../../src/spec/canonical-json.js';

describe('canonical JSON', () => {
  it.each([
    [{ b: 1, a: [3, { d: undefined, c: 'x' }], e: null }, '{"a":[3,{"c":"x"}],"b":1,"e":null}'],
    [{ z: { y: { x: [1, 'two', true, null] } }, 'ü': 'é', A: 'upper', a: 'lower' }, '{"A":"upper","a":"lower","z":{"y":{"x":[1,"two",true,null]}},"ü":"é"}'],
    [['a', undefined, { k: undefined }], '["a",null,{}]'],
    [{ env: ['PATH=/bin', 'A=1'], args: ['sh', '-c', 'echo "hi"\n'], n: 1.5, neg: -0, big: 1e21 }, '{"args":["sh","-c","echo \\"hi\\"\\n"],"big":1e+21,"env":["PATH=/bin","A=1"],"n":1.5,"neg":0}'],
    [{ '10': 'ten', '9': 'nine', b: 'b', '01': 'zero-one' }, '{"9":"nine","10":"ten","01":"zero-one","b":"b"}'],
    [undefined, 'null'],
  ])('%j is %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('keeps the step IDs of known ops', () => {
    const source = { kind: 'source', image: 'docker.io/library/busybox:latest', platform: 'linux/amd64' } as unknown as Op;
    const run = { kind: 'run', args: ['sh', '-c', 'true'], env: ['PATH=/bin'] } as unknown as Op;
    expect(stepIdOf(source, [])).toBe('sha256:98795972bd2766d6e13dc093691a80d9332942b75a2dbaab012b1153b988c816');
    expect(stepIdOf(run, [`sha256:${'a'.repeat(64)}` as StepId])).toBe('sha256:2ff760110271312d9ef3669d1a7121d5a081b248a320344cecd00a3d227a4e34');
  });

  it('keeps a known cache key', () => {
    // tsbuild-cache-v2: every RUN/COPY/ADD/WORKDIR keeps a layer (BuildKit's empty layers) and a
    // COPY --from record may name the content key later steps build on; v1 records are never read.
    const key = cacheKey({ definition: { op: 'run', args: ['true'] }, inputKeys: ['k1'], contents: { context: 'sha256:0' } });
    expect(key).toBe('sha256:1dab19c209b7615a7e30b5d8dcf1bb954f27316d54c31d7368a3454ff51f3b44');
  });
});
