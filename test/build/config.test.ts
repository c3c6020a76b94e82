// Image config and history of built images, compared field by field with what BuildKit's
// dockerfile frontend writes for the same Dockerfile (dispatchX / commitToHistory in convert.go).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildError, buildImage, newRoot, readConfig, readInRootfs, removeTempDirs, unpackImage, writeContext } from './helpers.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const COMMENT = 'buildkit.dockerfile.v0';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

describe('image config like BuildKit', () => {
  it('sets every container config field and history entry of the metadata instructions', async () => {
    const context = writeContext({ 'a.txt': 'a' });
    const dockerfile = [
      'FROM busybox',
      'ENV A=1 B="two words"',
      'LABEL com.example.a=x',
      'WORKDIR /app',
      'USER nobody',
      'EXPOSE 80 53/udp',
      'VOLUME /data',
      'STOPSIGNAL SIGINT',
      'SHELL ["/bin/sh", "-ec"]',
      'HEALTHCHECK --interval=5s --retries=3 CMD true',
      'ONBUILD RUN echo onbuild',
      'ENTRYPOINT ["/bin/echo"]',
      'CMD ["hello", "world"]',
      '',
    ].join('\n');
    const { result } = await buildImage(root, context, dockerfile, { labels: { 'from-flag': 'y' } });
    const config = readConfig(root, result.digest);
    expect(result.config).toEqual(config);
    const c = config.config ?? {};
    expect(c.Env?.filter((e) => e !== DEFAULT_PATH)).toEqual(['A=1', 'B=two words']);
    expect(c.Labels).toEqual({ 'com.example.a': 'x', 'from-flag': 'y' });
    expect(c.WorkingDir).toBe('/app');
    expect(c.User).toBe('nobody');
    expect(c.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    expect(c.Volumes).toEqual({ '/data': {} });
    expect(c.StopSignal).toBe('SIGINT');
    expect(c.Shell).toEqual(['/bin/sh', '-ec']);
    expect(c.Healthcheck).toMatchObject({ Test: ['CMD-SHELL', 'true'], Interval: 5_000_000_000, Retries: 3 });
    expect(c.OnBuild).toEqual(['RUN echo onbuild']);
    expect(c.Entrypoint).toEqual(['/bin/echo']);
    expect(c.Cmd).toEqual(['hello', 'world']);

    const built = (config.history ?? []).slice(1);
    expect(built.map((h) => h.created_by)).toEqual([
      'ENV A=1 B=two words',
      'LABEL com.example.a=x',
      'WORKDIR /app',
      'USER nobody',
      'EXPOSE [53/udp 80/tcp]',
      'VOLUME [/data]',
      'STOPSIGNAL SIGINT',
      'SHELL [/bin/sh -ec]',
      `HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" "0s" '\\x03'}`,
      'ENTRYPOINT ["/bin/echo"]',
      'CMD ["hello" "world"]',
    ]);
    for (const entry of built) expect(entry.comment).toBe(COMMENT);
    const emptyLayers = built.map((h) => h.empty_layer === true);
    expect(emptyLayers).toEqual([true, true, false, true, true, true, true, true, true, true, true]);
    expect(config.rootfs.diff_ids).toHaveLength(2); // the base layer and WORKDIR's mkdir
  });

  it('ENTRYPOINT resets an inherited CMD but keeps a CMD set earlier in the same stage', async () => {
    const context = writeContext({});
    const dockerfile = [
      'FROM busybox AS parent',
      'CMD ["parent-cmd"]',
      'FROM parent AS child',
      'ENTRYPOINT ["/bin/echo"]',
      'FROM busybox AS same',
      'CMD ["kept"]',
      'ENTRYPOINT ["/bin/echo"]',
    ].join('\n');
    const child = await buildImage(root, context, dockerfile, { target: 'child' });
    expect(child.result.config.config?.Entrypoint).toEqual(['/bin/echo']);
    expect(child.result.config.config?.Cmd ?? null).toBeNull();
    const same = await buildImage(root, context, dockerfile, { target: 'same' });
    expect(same.result.config.config?.Cmd).toEqual(['kept']);
  });

  // image-spec's ImageConfig tags every field `omitempty`: BuildKit writes a reset or empty
  // CMD/ENTRYPOINT by leaving the key out, never as `null` or `[]`.
  it('leaves a reset or empty CMD and ENTRYPOINT out of the written config', async () => {
    const context = writeContext({});
    const dockerfile = [
      'FROM busybox AS parent',
      'CMD ["parent-cmd"]',
      'FROM parent AS reset',
      'ENTRYPOINT ["/bin/echo"]',
      'FROM busybox AS empty',
      'ENTRYPOINT []',
      'CMD []',
    ].join('\n');
    const reset = await buildImage(root, context, dockerfile, { target: 'reset' });
    const resetConfig = readConfig(root, reset.result.digest).config ?? {};
    expect(resetConfig.Entrypoint).toEqual(['/bin/echo']);
    expect(Object.keys(resetConfig)).not.toContain('Cmd');
    const empty = await buildImage(root, context, dockerfile, { target: 'empty' });
    const emptyConfig = readConfig(root, empty.result.digest).config ?? {};
    expect(Object.keys(emptyConfig)).not.toContain('Cmd');
    expect(Object.keys(emptyConfig)).not.toContain('Entrypoint');
    expect(emptyConfig.Env).toContain(DEFAULT_PATH);
  });

  it('writes RUN/COPY/ARG/CMD history as BuildKit (exec form, # buildkit) with one diff_id per layer', async () => {
    const context = writeContext({ 'a.txt': 'a' });
    const dockerfile = [
      'FROM busybox',
      'ARG V=1',
      'RUN echo $V > /v',
      'RUN ["/bin/touch", "/exec-form"]',
      'COPY a.txt /a.txt',
      'CMD echo done',
    ].join('\n');
    const { result } = await buildImage(root, context, dockerfile);
    const config = result.config;
    const built = (config.history ?? []).slice(1);
    expect(built.map((h) => [h.created_by, h.empty_layer === true])).toEqual([
      ['ARG V=1', true],
      [expect.stringMatching(/^RUN (\|1 V=1 )?\/bin\/sh -c echo \$V > \/v # buildkit$/), false],
      [expect.stringMatching(/^RUN (\|1 V=1 )?\/bin\/touch \/exec-form # buildkit$/), false],
      ['COPY a.txt /a.txt # buildkit', false],
      ['CMD ["/bin/sh" "-c" "echo done"]', true],
    ]);
    expect(config.config?.Cmd).toEqual(['/bin/sh', '-c', 'echo done']);
    const layersInHistory = (config.history ?? []).filter((h) => !h.empty_layer).length;
    expect(config.rootfs.diff_ids).toHaveLength(layersInHistory);
    expect(result.manifest.layers).toHaveLength(layersInHistory);
    for (const entry of config.history ?? []) expect(entry.created).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('image config like BuildKit: PATH and ARG history', () => {
  // src/planner (stage init): BuildKit appends PATH=/usr/local/sbin:... to Env when the base image
  // has no PATH (buildah does too); tsbuild's config and RUN env lack it.
  it('adds the default PATH when the base image has none', async () => {
    const { result } = await buildImage(root, writeContext({}), 'FROM busybox\nENV A=1\n');
    expect(result.config.config?.Env).toEqual([DEFAULT_PATH, 'A=1']);
  });

  // image-config.ts historyFor() cannot tell which env entries of an ExecOp are ARGs: BuildKit
  // writes `RUN |<n> K=V ... <cmd>`; the planner would need to list the ARG names in scope.
  it('prefixes RUN history with the ARGs in scope', async () => {
    const { result } = await buildImage(root, writeContext({}), 'FROM busybox\nARG V=1\nRUN true\n');
    expect(result.config.history?.at(-1)?.created_by).toBe('RUN |1 V=1 /bin/sh -c true # buildkit');
  });
});

describe('SOURCE_DATE_EPOCH from the Dockerfile (dockerfile_source_date_epoch_test.go)', () => {
  it('a global ARG default dates the image and history, and a stage ARG sees it', async () => {
    const dockerfile = ['ARG SOURCE_DATE_EPOCH=1700000001', 'FROM busybox', 'ARG SOURCE_DATE_EPOCH', 'RUN echo -n "$SOURCE_DATE_EPOCH" > /epoch'].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const config = readConfig(root, result.digest);
    expect(config.created).toBe('2023-11-14T22:13:21Z');
    expect((config.history ?? []).slice(1).map((h) => h.created)).toEqual(['2023-11-14T22:13:21Z', '2023-11-14T22:13:21Z']);
    expect(readInRootfs(unpackImage(root, result.digest), 'epoch')).toBe('1700000001');
  });

  it('a build arg wins over the default, and an invalid default fails the build', async () => {
    const dockerfile = 'ARG SOURCE_DATE_EPOCH=1700000001\nFROM busybox\n';
    const { result } = await buildImage(root, writeContext({}), dockerfile, { buildArgs: { SOURCE_DATE_EPOCH: '1700000002' } });
    expect(readConfig(root, result.digest).created).toBe('2023-11-14T22:13:22Z');
    const error = await buildError(root, writeContext({}), 'ARG SOURCE_DATE_EPOCH=not-a-timestamp\nFROM busybox\n');
    expect(error.message).toContain('invalid SOURCE_DATE_EPOCH: not-a-timestamp');
  });
});
