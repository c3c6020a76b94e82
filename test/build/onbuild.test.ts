// ONBUILD triggers run once: in the image built FROM the one that declared them, whose config then
// has them cleared (BuildKit), so a grandchild image does not run them again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, newRoot, readConfig, removeTempDirs, unpackImage, writeContext } from './helpers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

describe('ONBUILD', () => {
  it('runs the triggers in the child only and clears them from its config', async () => {
    await buildImage(root, writeContext({}), 'FROM busybox\nONBUILD RUN echo trigger >> /count\n', { tags: ['onbuild-parent:1'] });
    const child = await buildImage(root, writeContext({}), 'FROM onbuild-parent:1\nRUN true\n', { tags: ['onbuild-child:1'] });
    expect(readConfig(root, child.result.digest).config?.OnBuild ?? null).toBeNull();
    expect(readFileSync(join(unpackImage(root, child.result.digest), 'count'), 'utf8')).toBe('trigger\n');
    const grandchild = await buildImage(root, writeContext({}), 'FROM onbuild-child:1\nRUN true\n');
    expect(readFileSync(join(unpackImage(root, grandchild.result.digest), 'count'), 'utf8')).toBe('trigger\n');
  });

  it('clears the triggers when the child adds no instruction', async () => {
    await buildImage(root, writeContext({}), 'FROM busybox\nONBUILD RUN echo trigger >> /count2\n', { tags: ['onbuild-parent:2'] });
    const child = await buildImage(root, writeContext({}), 'FROM onbuild-parent:2\n');
    expect(readConfig(root, child.result.digest).config?.OnBuild ?? null).toBeNull();
    expect(readFileSync(join(unpackImage(root, child.result.digest), 'count2'), 'utf8')).toBe('trigger\n');
  });
});
