// Which context arguments are git repositories (docker's urlutil.IsGitURL), and the stdin rules.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { isGitUrl, openBuildInput } from '../../src/context/build-input.js';

describe('isGitUrl', () => {
  it.each([
    ['https://example.com/org/repo.git', true],
    ['https://example.com/org/repo.git#v1:sub/dir', true],
    ['git@github.com:org/repo.git', true],
    ['git://example.com/repo', true],
    ['github.com/org/repo', true],
    ['https://example.com/context.tar.gz', false],
    ['https://example.com/repo.git.tar', false],
    ['./repo.git', false],
    ['-', false],
  ])('%s -> %s', (value, expected) => {
    expect(isGitUrl(value)).toBe(expected);
  });
});

describe('openBuildInput', () => {
  it('a local directory stays as it is; -f - reads the Dockerfile text', async () => {
    const local = await openBuildInput({ context: 'ctx', stdin: Readable.from([]) });
    expect(local).toMatchObject({ context: 'ctx', dockerfile: 'ctx/Dockerfile' });
    expect(local.dockerfileContents).toBeUndefined();
    const piped = await openBuildInput({ context: 'ctx', file: '-', stdin: Readable.from([Buffer.from('FROM scratch\n')]) });
    expect(piped.dockerfileContents).toBe('FROM scratch\n');
  });

  it('refuses stdin for both the context and the Dockerfile', async () => {
    await expect(openBuildInput({ context: '-', file: '-', stdin: Readable.from([]) })).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('a fetched context is someone else\'s tree', () => {
  /** A tar context whose Dockerfile links to `target` and whose `up` links far above its root. */
  function hostileContext(target: string): Readable {
    const pack = tar.pack();
    pack.entry({ name: 'Dockerfile', type: 'symlink', linkname: target });
    pack.entry({ name: 'up', type: 'symlink', linkname: '../../../..' });
    pack.finalize();
    return Readable.from(pack as AsyncIterable<Buffer>);
  }

  it.each([
    ['the Dockerfile is a symlink to a host file', undefined],
    ['-f climbs out through a symlink', 'up/SECRET'],
  ])('resolves the Dockerfile inside it when %s', async (_name, file) => {
    const secret = join(mkdtempSync(join(tmpdir(), 'tsbuild-secret-')), 'secret.txt');
    writeFileSync(secret, 'host secret\n');
    const input = await openBuildInput({ context: '-', file: file?.replace('/SECRET', secret), stdin: hostileContext(secret) });
    try {
      expect(input.dockerfile.startsWith(`${input.context}/`)).toBe(true);
      expect(existsSync(input.dockerfile)).toBe(false);
    } finally {
      input.cleanup();
    }
  });
});
