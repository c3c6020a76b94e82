// Git URLs with BuildKit's query string (dfgitutil.ParseGitRef): refs by tag or branch, a commit
// to check, a subdirectory, keep-git-dir and submodules, and the conflicts BuildKit refuses.
import { describe, expect, it } from 'vitest';
import { parseGitUrl } from '../../src/context/git-source.js';

describe('parseGitUrl', () => {
  it.each([
    ['https://h/r.git#v1:sub', { remote: 'https://h/r.git', ref: 'v1', subdir: 'sub', submodules: true }],
    ['https://h/r.git?tag=v1', { remote: 'https://h/r.git', ref: 'refs/tags/v1', submodules: true }],
    ['https://h/r.git?branch=main&subdir=app', { remote: 'https://h/r.git', ref: 'refs/heads/main', subdir: 'app', submodules: true }],
    ['https://h/r.git?tag=v1#refs/tags/v1', { remote: 'https://h/r.git', ref: 'refs/tags/v1', submodules: true }],
    ['https://h/r.git?commit=abc123&ref=main', { remote: 'https://h/r.git', ref: 'main', checksum: 'abc123', submodules: true }],
    ['https://h/r.git?keep-git-dir&submodules=false', { remote: 'https://h/r.git', keepGitDir: true, submodules: false }],
  ])('%s', (url, expected) => {
    expect(parseGitUrl(url)).toEqual(expected);
  });

  it.each([
    ['https://h/r.git?tag=v1#refs/heads/main', 'ref conflicts'],
    ['https://h/r.git?ref=a&ref=b', 'query "ref" has multiple values'],
    ['https://h/r.git?tag=v1&branch=b', 'branch conflicts with tag'],
    ['https://h/r.git?ref=', 'query "ref" has no value'],
    ['https://h/r.git?submodules=maybe', 'invalid submodules value'],
    ['https://h/r.git?depth=1', 'unexpected query "depth"'],
  ])('%s is refused: %s', (url, message) => {
    expect(() => parseGitUrl(url)).toThrow(message);
  });
});
