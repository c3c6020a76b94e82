// Planner: ARG/ENV scoping, expansion, build-arg overrides and the automatic platform ARGs.
import { describe, expect, it, test } from 'vitest';
import { AMD64, ARM64, envOf, execAt, plan, stepAt } from './helpers.js';

// Each case: a Dockerfile whose line 3 (or `line`) is `RUN` and the env the process must see.
describe('ARG scoping and expansion', () => {
  test.each([
    {
      name: 'global ARG is not visible in a stage without redeclaration',
      text: 'ARG V=1\nFROM scratch\nRUN x',
      buildArgs: {},
      expected: { V: undefined },
    },
    {
      name: 'ARG without value in a stage picks up the global default',
      text: 'ARG V=1\nFROM scratch\nARG V\nRUN x',
      line: 4,
      buildArgs: {},
      expected: { V: '1' },
    },
    {
      name: '--build-arg overrides the global default picked up by a bare ARG',
      text: 'ARG V=1\nFROM scratch\nARG V\nRUN x',
      line: 4,
      buildArgs: { V: '2' },
      expected: { V: '2' },
    },
    {
      name: '--build-arg overrides a stage default',
      text: 'FROM scratch\nARG V=1\nRUN x',
      buildArgs: { V: 'given' },
      expected: { V: 'given' },
    },
    {
      name: 'ARG default expands earlier ARGs',
      text: 'FROM scratch\nARG A=x B=${A}y\nRUN x',
      buildArgs: {},
      expected: { A: 'x', B: 'xy' },
    },
    {
      name: 'ENV wins over ARG of the same name',
      text: 'FROM scratch\nARG V=arg\nENV V=env\nRUN x',
      line: 4,
      buildArgs: { V: 'given' },
      expected: { V: 'env' },
    },
    {
      name: 'an ARG without value and without build arg is not in the env',
      text: 'FROM scratch\nARG V\nRUN x',
      buildArgs: {},
      expected: { V: undefined },
    },
  ])('$name', async ({ text, line, buildArgs, expected }) => {
    const { plan: p } = await plan(text, { buildArgs: buildArgs as Record<string, string> });
    const env = envOf(execAt(p, line ?? 3));
    for (const [key, value] of Object.entries(expected)) expect(env[key]).toBe(value);
  });

  it('does not carry ARGs into a stage built FROM the stage that declared them', async () => {
    const { plan: p } = await plan('FROM scratch AS a\nARG V=1\nENV E=2\nFROM a\nRUN x');
    const env = envOf(execAt(p, 5));
    expect(env.V).toBeUndefined();
    expect(env.E).toBe('2');
  });

  it('expands variables in COPY, ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME and STOPSIGNAL', async () => {
    const { plan: p } = await plan(`
      FROM scratch
      ARG D=/data P=8080 U=app S=SIGINT
      ENV HOME_DIR=$D/home
      WORKDIR \${HOME_DIR}
      USER $U
      LABEL dir=$D
      EXPOSE $P
      VOLUME $D
      STOPSIGNAL $S
      COPY $U.txt $D/
    `);
    const image = p.images['linux/amd64']!;
    expect(image.config.Env).toContain('HOME_DIR=/data/home');
    expect(image.config.WorkingDir).toBe('/data/home');
    expect(image.config.User).toBe('app');
    expect(image.config.Labels).toEqual({ dir: '/data' });
    expect(image.config.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(image.config.Volumes).toEqual({ '/data': {} });
    expect(image.config.StopSignal).toBe('SIGINT');
    const copy = stepAt(p, 10).op;
    expect(copy).toMatchObject({ kind: 'file', action: 'copy', dest: '/data/', sources: [{ kind: 'context', path: 'app.txt' }] });
  });

  it('does not expand RUN, CMD and ENTRYPOINT (the shell does)', async () => {
    const { plan: p } = await plan('FROM scratch\nARG V=1\nRUN echo $V\nCMD echo $V\nENTRYPOINT ["echo", "$V"]');
    expect(execAt(p, 3).args).toEqual(['/bin/sh', '-c', 'echo $V']);
    const config = p.images['linux/amd64']!.config;
    expect(config.Cmd).toEqual(['/bin/sh', '-c', 'echo $V']);
    expect(config.Entrypoint).toEqual(['echo', '$V']);
  });

  it('ENV pairs in one instruction see the values from before it', async () => {
    const { plan: p } = await plan('FROM scratch\nENV A=old\nENV A=new B=$A\nRUN x');
    expect(envOf(execAt(p, 4))).toMatchObject({ A: 'new', B: 'old' });
  });

  it('warns about build args no ARG consumed, but not about proxy args', async () => {
    const { warnings, plan: p } = await plan('FROM scratch\nARG USED\nRUN x', {
      buildArgs: { USED: '1', UNUSED: '2', HTTP_PROXY: 'http://proxy:3128' },
    });
    expect(warnings.map((w) => w.message)).toEqual(['One or more build-args [UNUSED] were not consumed']);
    expect(p.proxyEnv).toEqual(['HTTP_PROXY=http://proxy:3128', 'http_proxy=http://proxy:3128']); // both spellings, as BuildKit
    expect(envOf(execAt(p, 3)).HTTP_PROXY).toBeUndefined();
  });
});

describe('automatic platform ARGs', () => {
  test.each([
    ['TARGETPLATFORM', 'linux/arm64'],
    ['TARGETOS', 'linux'],
    ['TARGETARCH', 'arm64'],
    ['TARGETVARIANT', ''],
    ['BUILDPLATFORM', 'linux/amd64'],
    ['BUILDOS', 'linux'],
    ['BUILDARCH', 'amd64'],
    ['BUILDVARIANT', ''],
  ])('ARG %s in a stage is %j when building linux/arm64 on linux/amd64', async (name, value) => {
    const { plan: p } = await plan(`FROM scratch\nARG ${name}\nRUN x`, { platforms: [ARM64], buildPlatform: AMD64 });
    expect(envOf(execAt(p, 3))[name]).toBe(value);
  });

  it('are usable in FROM without declaration, and FROM --platform=$BUILDPLATFORM runs on the build platform', async () => {
    const { plan: p, warnings } = await plan(
      'FROM --platform=$BUILDPLATFORM busybox AS build\nARG TARGETARCH\nRUN echo $TARGETARCH\nFROM alpine:$TARGETARCH\nCOPY --from=build /out /',
      { platforms: [ARM64, AMD64], buildPlatform: AMD64 },
    );
    expect(warnings).toEqual([]);
    const sources = Object.values(p.steps).filter((s) => s.op.kind === 'source').map((s) => s.op);
    expect(sources).toContainEqual({ kind: 'source', image: 'docker.io/library/busybox:latest', platform: 'linux/amd64' });
    expect(sources).toContainEqual({ kind: 'source', image: 'docker.io/library/alpine:arm64', platform: 'linux/arm64' });
    const runs = Object.values(p.steps).filter((s) => s.op.kind === 'exec');
    expect(runs.map((s) => s.op.kind === 'exec' && s.op.platform)).toEqual(['linux/amd64', 'linux/amd64']);
    expect(runs.map((s) => s.op.kind === 'exec' && envOf(s.op).TARGETARCH).sort()).toEqual(['amd64', 'arm64']);
    expect(Object.keys(p.targets)).toEqual(['linux/arm64', 'linux/amd64']);
  });

  it('are visible in global ARG defaults', async () => {
    const { plan: p } = await plan('ARG IMG=alpine:${TARGETARCH}\nFROM $IMG', { platforms: [ARM64] });
    expect(Object.values(p.steps)[0]?.op).toMatchObject({ image: 'docker.io/library/alpine:arm64' });
  });
});
