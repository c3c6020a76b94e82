// Planner: stage references, --target pruning, and errors that name the stage and line.
import { describe, expect, it, test } from 'vitest';
import { DockerfileSyntaxError, TsbuildError } from '../../src/errors.js';
import { chain, plan, stepAt } from './helpers.js';

const MULTI = `
  FROM busybox AS base
  RUN echo base
  FROM base AS Build
  RUN echo build
  FROM alpine AS unused
  RUN echo unused
  FROM scratch AS final
  COPY --from=build /out /out
`;

describe('stage references and --target pruning', () => {
  test.each([
    { target: undefined, planned: ['echo base', 'echo build'], absent: ['echo unused'] },
    { target: 'final', planned: ['echo base', 'echo build'], absent: ['echo unused'] },
    { target: 'BUILD', planned: ['echo base', 'echo build'], absent: ['echo unused'] },
    { target: 'base', planned: ['echo base'], absent: ['echo build', 'echo unused'] },
    { target: 'unused', planned: ['echo unused'], absent: ['echo base', 'echo build'] },
  ])('target $target plans only the stages it reaches', async ({ target, planned, absent }) => {
    const { plan: p } = await plan(MULTI, target ? { target } : {});
    const scripts = Object.values(p.steps).flatMap((s) => (s.op.kind === 'exec' ? [s.op.args[2]] : []));
    for (const s of planned) expect(scripts).toContain(s);
    for (const s of absent) expect(scripts).not.toContain(s);
    expect(chain(p).map((s) => s.id).sort()).toEqual(Object.keys(p.steps).sort());
  });

  test.each([
    { name: 'by lower-cased name', from: 'build', stage: 1 },
    { name: 'by name in other casing', from: 'BUILD', stage: 1 },
    { name: 'by index', from: '1', stage: 1 },
    { name: 'a later stage by name (allowed when there is no cycle)', from: 'later', stage: 3 },
  ])('COPY --from resolves a stage $name', async ({ from, stage }) => {
    const { plan: q } = await plan(`FROM busybox AS base\nFROM base AS build\nRUN echo build\nFROM busybox AS later\nRUN echo later\nFROM scratch\nCOPY --from=${from} /a /b`);
    const copy = stepAt(q, 7);
    const fromStep = q.steps[copy.inputs[1]!]!;
    expect(fromStep.stage.index).toBe(stage === 3 ? 2 : stage);
  });

  it('treats a --from that names no stage as an image reference', async () => {
    const { plan: p } = await plan('FROM scratch\nCOPY --from=nginx:1.27 /etc/nginx /nginx');
    const copy = stepAt(p, 2);
    expect(p.steps[copy.inputs[1]!]!.op).toEqual({ kind: 'source', image: 'docker.io/library/nginx:1.27', platform: 'linux/amd64' });
  });

  it('FROM only sees earlier stages: a later stage name is an image', async () => {
    const { plan: p } = await plan('FROM later AS first\nFROM busybox AS later', { target: 'first' });
    expect(Object.values(p.steps).map((s) => s.op)).toContainEqual({ kind: 'source', image: 'docker.io/library/later:latest', platform: 'linux/amd64' });
  });

  it('RUN --mount from= resolves stages and images, with expanded options', async () => {
    const { plan: p } = await plan(
      'FROM alpine AS tools\nFROM busybox\nARG CACHE=/root/.cache\nWORKDIR /w\nRUN --mount=type=bind,from=tools,source=/bin,target=tbin --mount=type=cache,target=$CACHE --mount=type=secret,id=tok x',
    );
    const step = stepAt(p, 5);
    expect(step.op.kind === 'exec' && step.op.mounts).toEqual([
      { type: 'bind', target: '/w/tbin', source: '/bin', from: { kind: 'step', step: step.inputs[1] }, readwrite: false },
      { type: 'cache', target: '/root/.cache', id: '/root/.cache', source: '/', sharing: 'shared', readonly: false, mode: 0o755, uid: 0, gid: 0 },
      { type: 'secret', id: 'tok', target: '/run/secrets/tok', required: false, mode: 0o400, uid: 0, gid: 0 },
    ]);
    expect(p.steps[step.inputs[1]!]!.stage.name).toBe('tools');
  });

  // convert_runmount.go dispatchRunMounts: as COPY --from, a mount reads only stages defined before.
  it('RUN --mount from= a later stage is refused with BuildKit\'s message', async () => {
    const text = 'FROM busybox AS first\nARG T=tbin\nRUN --mount=from=later,target=$T ls /tbin\nFROM busybox AS later\nRUN touch /x';
    await expect(plan(text, { target: 'first' })).rejects.toThrow(
      'Dockerfile:3: cannot mount from stage "later" to "tbin", stage needs to be defined before current command',
    );
  });
});

describe('plan errors name the stage and the line', () => {
  test.each([
    {
      name: 'unknown target',
      text: 'FROM scratch AS a',
      options: { target: 'nope' },
      message: /target stage "nope" could not be found/,
    },
    {
      name: 'self reference',
      text: 'FROM busybox AS stage0\nCOPY --from=stage0 f1 /sub/',
      options: {},
      message: /^Dockerfile:2: circular dependency detected on stage: stage0/,
    },
    {
      name: 'cycle through several stages',
      text: 'FROM busybox AS stage0\nCOPY --from=stage2 f1 /sub/\nFROM busybox AS stage1\nCOPY --from=stage0 f2 /sub/\nFROM busybox AS stage2\nCOPY --from=stage1 f2 /sub/',
      options: { target: 'stage0' },
      message: /^Dockerfile:\d: circular dependency detected on stage: stage0/,
    },
    {
      name: 'stage index out of range',
      text: 'FROM scratch\nCOPY --from=3 /a /b',
      options: {},
      message: /^Dockerfile:2: invalid stage index 3/,
    },
    {
      name: 'invalid image reference',
      text: 'FROM scratch\nFROM Not_Valid::x',
      options: {},
      message: /^Dockerfile:2: failed to parse stage name "Not_Valid::x": invalid reference format/,
    },
    {
      name: 'empty base after expansion',
      text: 'ARG IMG\nFROM $IMG',
      options: {},
      message: /^Dockerfile:2: base name \(\$IMG\) should not be blank/,
    },
    {
      name: 'COPY from a URL',
      text: 'FROM scratch\nCOPY https://example.com/a /a',
      options: {},
      message: /^Dockerfile:2: source can't be a URL for COPY/,
    },
    {
      name: 'several sources into a non-directory',
      text: 'FROM scratch\n\nCOPY a b /dest',
      options: {},
      message: /^Dockerfile:3: When using COPY with more than one source file, the destination must be a directory and end with a \//,
    },
    {
      name: 'a required variable unset',
      text: 'FROM scratch\nARG V\nENV X="${V:?V is required}"',
      options: {},
      message: /^Dockerfile:3: .*V is required/,
    },
  ])('$name', async ({ text, options, message }) => {
    const error = await plan(text, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TsbuildError);
    expect((error as TsbuildError).message).toMatch(message);
    if (error instanceof DockerfileSyntaxError) expect(error.location.file).toBe('Dockerfile');
  });
});

describe('duplicate stage names', () => {
  it('resolve to the last stage of that name before the reference, like BuildKit', async () => {
    const { plan: p } = await plan('FROM alpine AS x\nRUN first\nFROM alpine AS x\nRUN second\nFROM x\nRUN third');
    const third = Object.values(p.steps).find((s) => s.op.kind === 'exec' && s.op.args[2] === 'third')!;
    const parent = p.steps[third.inputs[0]!]!;
    expect(parent.op.kind === 'exec' && parent.op.args[2]).toBe('second');
  });
});
