// Which context arguments are git repositories (docker's urlutil.IsGitURL), and the stdin rules.
import { Readable } from 'node:stream';
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
