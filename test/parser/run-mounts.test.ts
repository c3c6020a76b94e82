// RUN flags: every --mount type with BuildKit's option names, aliases and defaults,
// --network and --security, and the mount errors.
import { describe, expect, test } from 'vitest';
import type { MountSpec } from '../../src/parser/types.js';
import { as, onlyInstruction } from './helpers.js';

const mountsOf = (flags: string): MountSpec[] => as(onlyInstruction(`RUN ${flags} true`), 'RUN').mounts;

describe('RUN --mount', () => {
  test.each<[string, MountSpec]>([
    ['--mount=target=/x', { type: 'bind', target: '/x', source: undefined, from: undefined, readwrite: false }],
    ['--mount=type=bind,src=a,dst=/x,from=build,rw', { type: 'bind', target: '/x', source: 'a', from: 'build', readwrite: true }],
    ['--mount=type=bind,source=a,destination=/x,readwrite=true', { type: 'bind', target: '/x', source: 'a', from: undefined, readwrite: true }],
    ['--mount=type=bind,target=/x,ro', { type: 'bind', target: '/x', source: undefined, from: undefined, readwrite: false }],
    [
      '--mount=type=cache,target=/c,id=c1,sharing=Private,mode=0700,uid=1,gid=2',
      { type: 'cache', target: '/c', id: 'c1', source: undefined, from: undefined, sharing: 'private', readonly: false, mode: 0o700, uid: 1, gid: 2 },
    ],
    [
      '--mount=type=cache,target=/c,readonly',
      { type: 'cache', target: '/c', id: undefined, source: undefined, from: undefined, sharing: 'shared', readonly: true, mode: undefined, uid: undefined, gid: undefined },
    ],
    ['--mount=type=tmpfs,target=/t,size=64m', { type: 'tmpfs', target: '/t', size: 64 * 1024 * 1024 }],
    [
      '--mount=type=secret,id=tok,env=TOKEN,required=true',
      { type: 'secret', id: 'tok', target: undefined, env: 'TOKEN', required: true, mode: undefined, uid: undefined, gid: undefined },
    ],
    [
      '--mount=type=secret,source=tok,target=/run/t,mode=0400',
      { type: 'secret', id: 'tok', target: '/run/t', env: undefined, required: false, mode: 0o400, uid: undefined, gid: undefined },
    ],
    ['--mount=type=ssh,required', { type: 'ssh', id: undefined, target: undefined, required: true, mode: undefined, uid: undefined, gid: undefined }],
    ['--mount=type=bind,"target=/a b"', { type: 'bind', target: '/a b', source: undefined, from: undefined, readwrite: false }],
  ])('%s', (flags, expected) => {
    expect(mountsOf(flags)).toEqual([expected]);
  });

  test('several mounts keep their order', () => {
    const mounts = mountsOf('--mount=type=cache,target=/a --mount=type=tmpfs,target=/b');
    expect(mounts.map((m) => m.type)).toEqual(['cache', 'tmpfs']);
  });

  test.each([
    ['--mount=type=volume,target=/x', 'unsupported mount type "volume"'],
    ['--mount=type=bind,target=/x,mode=0700', 'mode not allowed for "bind" type mounts'],
    ['--mount=type=bind,target=/x,sharing=locked', 'invalid cache sharing set for bind mount'],
    ['--mount=type=cache,target=/x,sharing=everyone', 'unsupported sharing value "everyone"'],
    ['--mount=type=cache,target=/x,mode=999', 'invalid value 999 for mode'],
    ['--mount=type=cache,target=/x,uid=-1', 'invalid value -1 for uid'],
    ['--mount=type=bind,target=/x,required', "unexpected key 'required' for mount type 'bind'"],
    ['--mount=type=secret', 'invalid secret mount. one of source, target required'],
    ['--mount=type=secret,id=a,source=b', "both source and id can't be set"],
    ['--mount=type=secret,id=a,from=b', 'secret mount should not have a from'],
    ['--mount=type=bind,target=/x,from=$STAGE', "'from' doesn't support variable expansion"],
    ['--mount=type=bind,target=/x,foo=bar', "unexpected key 'foo' in 'foo=bar'"],
    ['--mount=type=bind,target', "invalid field 'target' must be a key=value pair"],
    ['--mount=type=bind,target=/x,ro=maybe', 'invalid value for ro: maybe'],
    ['--mount=type=tmpfs,target=/x,size=lots', "invalid size: 'lots'"],
  ])('%s fails: %s', (flags, message) => {
    expect(() => mountsOf(flags)).toThrow(message);
    expect(() => mountsOf(flags)).toThrow(/^Dockerfile:2: /);
  });

  test('a misspelt mount type gets a suggestion', () => {
    expect(() => mountsOf('--mount=type=cahce,target=/x')).toThrow('(did you mean cache?)');
  });
});

describe('RUN --network and --security', () => {
  test.each(['default', 'none', 'host'] as const)('--network=%s', (mode) => {
    expect(as(onlyInstruction(`RUN --network=${mode} true`), 'RUN').network).toBe(mode);
  });

  test.each(['sandbox', 'insecure'] as const)('--security=%s', (mode) => {
    expect(as(onlyInstruction(`RUN --security=${mode} true`), 'RUN').security).toBe(mode);
  });

  test('unknown modes fail naming the line', () => {
    expect(() => onlyInstruction('RUN --network=bridge true')).toThrow('Dockerfile:2: unsupported network mode "bridge"');
    expect(() => onlyInstruction('RUN --security=root true')).toThrow('Dockerfile:2: unsupported security mode "root"');
  });
});
