// History, config and progress names as BuildKit's Dockerfile frontend writes them (moby/buildkit
// frontend/dockerfile: dockerfile_history_test.go testExportedHistory, dockerfile_args_test.go
// testTargetStageNameArg, dockerfile_core_test.go testHostname/testStepNames,
// dockerfile_multistage_test.go testCopyFromLaterStage, dockerfile2llb/image.go emptyImage).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildError, buildImage, eventsOf, newRoot, removeTempDirs, tempDir, writeContext } from './helpers.js';

/** sha256 of an empty tar (1024 zero bytes): the diff ID of BuildKit's empty layers. */
const EMPTY_TAR_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

describe('history like BuildKit (testExportedHistory)', () => {
  it('keeps an empty layer for a RUN that changes nothing; WORKDIR / and EXPOSE have none', async () => {
    const context = writeContext({ foo: 'contents0' });
    const dockerfile = [
      'FROM busybox AS base',
      'ENV foo=bar',
      'COPY foo /foo2',
      'FROM busybox',
      'LABEL lbl=val',
      'COPY --from=base foo2 foo3',
      'WORKDIR /',
      'RUN echo bar > foo4',
      'RUN ["ls"]',
      'EXPOSE 2375 5000 1234/udp',
    ].join('\n');
    const { result } = await buildImage(root, context, dockerfile);
    const config = result.config;
    expect(config.rootfs.diff_ids).toHaveLength(4);
    expect(config.rootfs.diff_ids[3]).toBe(EMPTY_TAR_DIFF_ID);
    expect(result.manifest.layers).toHaveLength(4);
    const built = (config.history ?? []).slice(1);
    expect(built.map((h) => [h.created_by, h.empty_layer === true])).toEqual([
      ['LABEL lbl=val', true],
      ['COPY foo2 foo3 # buildkit', false],
      ['WORKDIR /', true],
      ['RUN /bin/sh -c echo bar > foo4 # buildkit', false],
      ['RUN ls # buildkit', false],
      ['EXPOSE [1234/udp 2375/tcp 5000/tcp]', true],
    ]);
  });
});

describe('COPY/ADD history in BuildKit\'s form (convert_copy.go commitMessage)', () => {
  it('names --parents, --chown and --chmod as expanded, heredocs by name, and no other flag', async () => {
    const context = writeContext({ foo: 'foo', 'dir/bar': 'bar' });
    const dockerfile = [
      'FROM busybox',
      'ARG OWNER=1:2 DEST=/out',
      'COPY --link --chown=$OWNER --chmod=0640 foo ${DEST}/',
      'COPY --parents --exclude=*.md dir/bar /p/',
      'COPY <<EOF <<END ${DEST}/',
      'first',
      'EOF',
      'second',
      'END',
      'ADD --chown=3 foo /added',
    ].join('\n');
    const { result } = await buildImage(root, context, dockerfile);
    expect((result.config.history ?? []).slice(-4).map((h) => h.created_by)).toEqual([
      'COPY --chown=1:2 --chmod=0640 foo /out/ # buildkit',
      'COPY --parents dir/bar /p/ # buildkit',
      'COPY <<EOF <<END /out/ # buildkit',
      'ADD --chown=3 foo /added # buildkit',
    ]);
  });
});

describe('progress names like BuildKit (prefixCommand, cmdTotal)', () => {
  it('counts FROM only for an image base: a stage built on another stage or on scratch starts at 1', async () => {
    const context = writeContext({ a: 'a' });
    const dockerfile = [
      'FROM busybox AS base',
      'RUN echo base > /b',
      'FROM base AS child',
      'RUN echo child > /c',
      'FROM scratch',
      'COPY --from=child /c /c',
      'COPY a /a',
    ].join('\n');
    const { events } = await buildImage(root, context, dockerfile, { noCache: true });
    const names = [...new Set(eventsOf(events, 'step.started').map((e) => e.name))];
    expect(names).toEqual(expect.arrayContaining([
      '[base 2/2] RUN echo base > /b',
      '[child 1/1] RUN echo child > /c',
      '[stage-2 1/2] COPY --from=child /c /c',
      '[stage-2 2/2] COPY a /a',
    ]));
  });
});

describe('progress names expand variables like BuildKit (dispatchRun custom name)', () => {
  it('shows a RUN with ENV and ARG values, quotes as written, unset variables kept, secret env as ****', async () => {
    const context = writeContext({});
    const secrets = tempDir('tsbuild-secret-');
    writeFileSync(join(secrets, 'token'), 'hunter2');
    const dockerfile = [
      'FROM busybox',
      'ENV GREETING=hi TOKEN=plain',
      'ARG WHO=you',
      `RUN echo "$GREETING" '$WHO' $WHO $UNSET \${UNSET:-x} > /out`,
      'RUN --mount=type=secret,id=token,env=TOKEN test "$TOKEN" = hunter2',
    ].join('\n');
    const { events } = await buildImage(root, context, dockerfile, { noCache: true, secrets: [{ id: 'token', src: join(secrets, 'token') }] });
    const names = eventsOf(events, 'step.started').map((e) => e.name);
    expect(names).toContain(`[2/3] RUN echo "hi" '$WHO' you $UNSET \${UNSET:-x} > /out`);
    expect(names).toContain('[3/3] RUN --mount=type=secret,id=token,env=TOKEN test "****" = hunter2');
  });

  it('shows COPY and ADD with ARG and ENV values expanded, flags included, quotes as written, unset variables kept (dispatchCopy)', async () => {
    const context = writeContext({ 'app-1.2': 'app', 'notes.txt': 'n' });
    const dockerfile = [
      'FROM busybox AS build',
      'ARG VERSION=1.2',
      'RUN mkdir /out && echo x > /out/app',
      'FROM busybox',
      'ARG VERSION=1.2',
      'ENV DEST=/usr/bin OWNER=0',
      'COPY --from=build /out/app ${DEST}/app',
      'copy --chown=$OWNER:$OWNER app-$VERSION "$DEST/app-$VERSION"',
      'ADD notes.txt $UNSET ${DEST}/',
    ].join('\n');
    const { events } = await buildImage(root, context, dockerfile, { noCache: true });
    const names = eventsOf(events, 'step.started').map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining([
      '[stage-1 2/4] COPY --from=build /out/app /usr/bin/app',
      '[stage-1 3/4] COPY --chown=0:0 app-1.2 "/usr/bin/app-1.2"',
      '[stage-1 4/4] ADD notes.txt $UNSET /usr/bin/',
    ]));
  });
});

describe('built-in args and build-arg switches', () => {
  it('TARGETSTAGE is the target stage name (or "default"), visible after ARG TARGETSTAGE', async () => {
    const dockerfile = [
      'FROM busybox AS base',
      'WORKDIR /out',
      'RUN echo -n "value:$TARGETSTAGE" > /out/first',
      'ARG TARGETSTAGE',
      'RUN echo -n "value:$TARGETSTAGE" > /out/second',
      'FROM scratch AS foo',
      'COPY --from=base /out/ /',
      'FROM scratch',
      'COPY --from=base /out/ /',
    ].join('\n');
    const context = writeContext({});
    const named = tempDir('tsbuild-out-');
    await buildImage(root, context, dockerfile, { target: 'foo', outputs: [{ type: 'local', dest: named }] });
    expect(readFileSync(join(named, 'first'), 'utf8')).toBe('value:');
    expect(readFileSync(join(named, 'second'), 'utf8')).toBe('value:foo');
    const last = tempDir('tsbuild-out-');
    await buildImage(root, context, dockerfile, { outputs: [{ type: 'local', dest: last }] });
    expect(readFileSync(join(last, 'second'), 'utf8')).toBe('value:default');
  });

  it('BUILDKIT_SANDBOX_HOSTNAME sets the hostname of RUN steps (testHostname)', async () => {
    const dest = tempDir('tsbuild-out-');
    const dockerfile = 'FROM busybox\nRUN hostname > /h && cat /etc/hostname >> /h\nFROM scratch\nCOPY --from=0 /h /h\n';
    const { events } = await buildImage(root, writeContext({}), dockerfile, {
      buildArgs: { BUILDKIT_SANDBOX_HOSTNAME: 'foo' }, outputs: [{ type: 'local', dest }],
    });
    expect(readFileSync(join(dest, 'h'), 'utf8')).toBe('foo\nfoo\n');
    expect(eventsOf(events, 'warning').map((w) => w.message).join('\n')).not.toContain('BUILDKIT_SANDBOX_HOSTNAME');
  });
});

describe('COPY --from a later stage (testCopyFromLaterStage)', () => {
  it('is refused with BuildKit\'s message', async () => {
    const dockerfile = [
      'FROM busybox AS target',
      'COPY --from=build /d2 /out',
      'FROM busybox AS build',
      'COPY Dockerfile /d2',
      'FROM target',
    ].join('\n');
    const error = await buildError(root, writeContext({}), dockerfile);
    expect(error.message).toContain('cannot copy from stage "build", it needs to be defined before current stage "target"');
  });
});

describe('windows target (emptyImage, defaultShell)', () => {
  it('gets no default PATH and cmd /S /C as the shell', async () => {
    const dockerfile = 'FROM scratch\nCOPY a /a\nCMD echo hi\n';
    const { result } = await buildImage(root, writeContext({ a: 'a' }), dockerfile, { platforms: ['windows/amd64'] });
    expect(result.config.os).toBe('windows');
    expect(result.config.config?.Env ?? []).toEqual([]);
    expect(result.config.config?.Cmd).toEqual(['cmd', '/S', '/C', 'echo hi']);
  });
});
