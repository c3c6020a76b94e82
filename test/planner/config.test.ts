// Planner: image-config semantics (CMD/ENTRYPOINT/SHELL/HEALTHCHECK/ONBUILD), RUN and COPY/ADD ops.
import { describe, expect, it } from 'vitest';
import { TsbuildError } from '../../src/errors.js';
import { envOf, execAt, plan, resolverOf, stepAt } from './helpers.js';

describe('image config semantics', () => {
  it('ENTRYPOINT resets a CMD inherited from the base image, but keeps one set in the stage', async () => {
    const resolveImageConfig = resolverOf({ 'docker.io/library/base:latest': { Cmd: ['sh'], Env: ['PATH=/bin'] } });
    const reset = await plan('FROM base\nENTRYPOINT ["app"]', { resolveImageConfig });
    expect(reset.plan.images['linux/amd64']!.config).toMatchObject({ Entrypoint: ['app'], Cmd: null });
    const kept = await plan('FROM base\nCMD ["--help"]\nENTRYPOINT ["app"]', { resolveImageConfig });
    expect(kept.plan.images['linux/amd64']!.config).toMatchObject({ Entrypoint: ['app'], Cmd: ['--help'] });
  });

  it('SHELL changes later shell-form RUN, CMD and ENTRYPOINT', async () => {
    const { plan: p } = await plan('FROM scratch\nRUN a\nSHELL ["/bin/bash", "-eu", "-c"]\nRUN b\nCMD c');
    expect(execAt(p, 2).args).toEqual(['/bin/sh', '-c', 'a']);
    expect(execAt(p, 4).args).toEqual(['/bin/bash', '-eu', '-c', 'b']);
    expect(p.images['linux/amd64']!.config).toMatchObject({ Cmd: ['/bin/bash', '-eu', '-c', 'c'], Shell: ['/bin/bash', '-eu', '-c'] });
  });

  it('HEALTHCHECK becomes CMD-SHELL / CMD / NONE with durations in nanoseconds', async () => {
    const shell = await plan('FROM scratch\nHEALTHCHECK --interval=30s --timeout=1m30s --retries=3 CMD curl -f http://localhost/');
    expect(shell.plan.images['linux/amd64']!.config.Healthcheck).toEqual({
      Test: ['CMD-SHELL', 'curl -f http://localhost/'], Interval: 30e9, Timeout: 90e9, Retries: 3,
    });
    const none = await plan('FROM scratch\nHEALTHCHECK NONE');
    expect(none.plan.images['linux/amd64']!.config.Healthcheck).toEqual({ Test: ['NONE'] });
  });

  it('WORKDIR creates its directory as a file step owned by the USER in effect', async () => {
    const { plan: p } = await plan('FROM scratch\nUSER app\nWORKDIR /srv\nWORKDIR sub\nRUN pwd');
    expect(stepAt(p, 3).op).toEqual({ kind: 'file', action: 'mkdir', path: '/srv', mode: 0o755, user: 'app' });
    expect(stepAt(p, 4).op).toMatchObject({ path: '/srv/sub' });
    expect(execAt(p, 5)).toMatchObject({ cwd: '/srv/sub', user: 'app' });
  });

  it('uses the resolved base image env for expansion and RUN', async () => {
    const resolveImageConfig = resolverOf({ 'docker.io/library/python:3': { Env: ['PATH=/usr/bin', 'PYTHON_VERSION=3.13'] } });
    const { plan: p, warnings } = await plan('FROM python:3\nENV V=$PYTHON_VERSION\nRUN x', { resolveImageConfig });
    expect(envOf(execAt(p, 3))).toMatchObject({ PATH: '/usr/bin', PYTHON_VERSION: '3.13', V: '3.13' });
    expect(p.images['linux/amd64']!.baseResolved).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('runs the ONBUILD triggers of a resolved base image first, then clears them', async () => {
    const resolveImageConfig = resolverOf({
      'docker.io/library/onbuild:latest': { OnBuild: ['COPY . /app/', 'RUN make'] },
    });
    const { plan: p } = await plan('FROM onbuild\nRUN test', { resolveImageConfig });
    const ops = Object.values(p.steps).map((s) => s.op);
    expect(ops[1]).toMatchObject({ kind: 'file', action: 'copy', dest: '/app/' });
    expect(ops[2]).toMatchObject({ kind: 'exec', args: ['/bin/sh', '-c', 'make'] });
    expect(ops[3]).toMatchObject({ kind: 'exec', args: ['/bin/sh', '-c', 'test'] });
    expect(p.images['linux/amd64']!.config.OnBuild).toBeNull();
  });

  it('rejects ONBUILD triggers that cannot be triggers, naming the FROM line', async () => {
    const resolveImageConfig = resolverOf({ 'docker.io/library/bad:latest': { OnBuild: ['MAINTAINER me'] } });
    const error = await plan('FROM scratch AS x\nFROM bad', { resolveImageConfig }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TsbuildError);
    expect((error as Error).message).toMatch(/^Dockerfile:2: MAINTAINER isn't allowed as an ONBUILD trigger/);
  });

  it('records ONBUILD of the Dockerfile in the config and runs it in stages built FROM the stage', async () => {
    const { plan: p } = await plan('FROM scratch AS lib\nONBUILD RUN echo triggered\nFROM lib\nRUN after');
    const runs = Object.values(p.steps).flatMap((s) => (s.op.kind === 'exec' ? [s.op.args[2]] : []));
    expect(runs).toEqual(['echo triggered', 'after']);
  });
});

describe('RUN', () => {
  it('runs a lone heredoc through the shell, or as a script when it has a shebang', async () => {
    const plain = await plan('FROM scratch\nRUN <<EOF\necho one\necho two\nEOF');
    expect(execAt(plain.plan, 2).args).toEqual(['/bin/sh', '-c', 'echo one\necho two\n']);
    const script = await plan('FROM scratch\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF');
    expect(execAt(script.plan, 2)).toMatchObject({
      args: ['/dev/pipes/EOF'],
      files: [{ path: '/dev/pipes/EOF', content: '#!/usr/bin/env python3\nprint(1)\n', mode: 0o755 }],
    });
  });

  it('hands other heredoc uses to the shell whole', async () => {
    const { plan: p } = await plan('FROM scratch\nRUN cat <<EOF > /f\nhi\nEOF');
    expect(execAt(p, 2).args).toEqual(['/bin/sh', '-c', 'cat <<EOF > /f\nhi\nEOF']);
  });

  it('carries --network and --security', async () => {
    const { plan: p } = await plan('FROM scratch\nRUN --network=none --security=insecure x');
    expect(execAt(p, 2)).toMatchObject({ network: 'none', security: 'insecure' });
  });
});

describe('COPY and ADD sources', () => {
  it('classifies context, heredoc, URL and git sources', async () => {
    const { plan: p } = await plan(`
      FROM scratch
      ARG NAME=x
      COPY --chown=1:1 --chmod=644 <<EOF /etc/$NAME.conf
      name=$NAME "quoted"
      EOF
      ADD --checksum=sha256:abc https://example.com/a.tgz /a/
      ADD https://github.com/moby/buildkit.git#v0.14 /src
      ADD --link files/ /files/
    `);
    expect(stepAt(p, 3).op).toMatchObject({
      command: 'COPY', dest: '/etc/x.conf', chown: '1:1', chmod: '644',
      sources: [{ kind: 'heredoc', name: 'EOF', content: 'name=x "quoted"\n' }],
    });
    expect(stepAt(p, 6).op).toMatchObject({ command: 'ADD', checksum: 'sha256:abc', sources: [{ kind: 'url', url: 'https://example.com/a.tgz' }] });
    expect(stepAt(p, 7).op).toMatchObject({ sources: [{ kind: 'git', url: 'https://github.com/moby/buildkit.git#v0.14', keepGitDir: false }] });
    expect(stepAt(p, 8).op).toMatchObject({ link: true, dest: '/files/', destIsDir: true, sources: [{ kind: 'context', path: 'files/' }] });
  });
});
