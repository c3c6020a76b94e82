// Error texts as BuildKit writes them, where users search for them (moby/buildkit
// frontend/dockerfile: dockerfile_core_test.go testTargetStageNameSuggestion (`--target`),
// dockerfile_mount_test.go testMountInvalid, dockerfile_secrets_test.go testSecretRequired,
// dockerfile2llb/convert.go toCommand (`--from` expansion), convert_copy.go (`--chmod`)).
// Our `Dockerfile:N:` prefix stays in front.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildError, newRoot, removeTempDirs, writeContext } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

describe('error texts like BuildKit', () => {
  it('--target names the closest stage', async () => {
    const error = await buildError(root, writeContext({}), 'FROM busybox AS build\nFROM busybox\n', { target: 'bulid' });
    expect(error.message).toContain('target stage "bulid" could not be found (did you mean build?)');
  });

  it('mount types, mount keys and RUN flags name the closest one', async () => {
    const context = writeContext({});
    const type = await buildError(root, context, 'FROM busybox\nRUN --mount=type=tmp /bin/true\n');
    expect(type.message).toBe('Dockerfile:2: unsupported mount type "tmp" (did you mean tmpfs?)');
    const key = await buildError(root, context, 'FROM busybox\nRUN --mount=typ=tmpfs /bin/true\n');
    expect(key.message).toContain("unexpected key 'typ'");
    expect(key.message).toContain('did you mean type?');
    const flag = await buildError(root, context, 'FROM busybox\nRUN --mont=target=/mytmp,type=tmpfs /bin/true\n');
    expect(flag.message).toBe('Dockerfile:2: unknown flag: --mont (did you mean mount?)');
  });

  it('COPY --from refuses variable expansion', async () => {
    const dockerfile = 'FROM busybox AS a\nFROM busybox\nARG X=a\nCOPY --from=$X /bin/sh /x\n';
    const error = await buildError(root, writeContext({}), dockerfile);
    expect(error.message).toBe(
      'Dockerfile:4: variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
    );
  });

  it('an invalid numeric --chmod', async () => {
    const context = writeContext({ a: 'a' });
    for (const chmod of ['999', '10000']) {
      const error = await buildError(root, context, `FROM busybox\nCOPY --chmod=${chmod} a /a\n`);
      expect(error.message).toBe(`Dockerfile:2: invalid chmod parameter: '${chmod}'. it should be octal string and between 0 and 07777`);
    }
  });

  it('a required secret that was not passed', async () => {
    const error = await buildError(root, writeContext({}), 'FROM busybox\nRUN --mount=type=secret,id=mysecret,required=true true\n');
    expect(error.message).toContain('secret mysecret: not found');
  });
});
