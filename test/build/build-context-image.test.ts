// `--build-context name=docker-image://ref` (moby/buildkit dockerfile_namedcontext_test.go
// testNamedImageContext): the image replaces a FROM of that name, a stage of that name, and a
// COPY --from of that name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBuildContextFlags } from '../../src/cli/build-flags.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildError, buildImage, newRoot, removeTempDirs, tempDir, writeContext } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
  // `other:1`: busybox plus /which.
  await buildImage(root, writeContext({}), 'FROM busybox\nRUN echo other > /which\n', { tags: ['other:1'] });
});
afterAll(removeTempDirs);

describe('--build-context docker-image://', () => {
  it('parses name=docker-image://ref and refuses the kinds not supported yet', () => {
    expect(parseBuildContextFlags(['base=docker-image://other:1'])).toEqual({ base: { image: 'other:1' } });
    expect(() => parseBuildContextFlags(['x'])).toThrow(/expected NAME=VALUE/);
  });

  it('replaces FROM <name>, a stage <name> and COPY --from=<name>', async () => {
    const buildContexts = parseBuildContextFlags(['alpine=docker-image://other:1', 'base=docker-image://other:1', 'src=docker-image://other:1']);
    const dockerfile = [
      'FROM busybox AS base',
      'RUN echo stage > /which',
      'FROM alpine AS fromimage',
      'FROM base',
      'COPY --from=fromimage /which /a',
      'COPY --from=src /which /b',
      'RUN cp /which /c',
    ].join('\n');
    const dest = tempDir('tsbuild-out-');
    await buildImage(root, writeContext({}), dockerfile, { buildContexts, outputs: [{ type: 'local', dest }] });
    for (const name of ['a', 'b', 'c']) expect(readFileSync(join(dest, name), 'utf8')).toBe('other\n');
  });

  it('a docker-image:// context that cannot be resolved fails', async () => {
    const error = await buildError(root, writeContext({}), 'FROM alpine\n', { buildContexts: { alpine: { image: 'nosuch-image:1' } }, pull: false });
    expect(error.message).toContain('nosuch-image');
  });
});
