// .dockerignore parsing and matching with Docker's semantics, and which ignore file applies.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { IgnoreMatcher, loadIgnoreRules, parseDockerignore, readDockerignoreLines } from '../../src/context/dockerignore.js';
import { TsbuildError } from '../../src/errors.js';

const matcherFor = (text: string): IgnoreMatcher => new IgnoreMatcher(parseDockerignore(text));

describe('matching', () => {
  test.each([
    ['*.md', 'README.md', true],
    ['*.md', 'docs/README.md', false],
    ['**/*.md', 'docs/deep/README.md', true],
    ['**/*.go', 'main.go', true],
    ['**/*.go', 'cmd/tool/main.go', true],
    ['**/*.go', 'main.golden', false],
    ['*.md\n!README.md', 'README.md', false],
    ['*.md\n!README.md', 'CHANGES.md', true],
    ['!README.md\n*.md', 'README.md', true],
    ['dir/', 'dir/file', true],
    ['dir/', 'dir', true],
    ['dir', 'dir/sub/file', true],
    ['dir', 'dirt', false],
    ['/abs', 'abs', true],
    ['/abs', 'x/abs', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/x/y/c', false],
    ['a/**/b', 'a/b/c', true],
    ['file[0-9].txt', 'file7.txt', true],
    ['file[0-9].txt', 'fileA.txt', false],
    ['file[^0-9].txt', 'fileA.txt', true],
    ['file?.txt', 'file/.txt', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a\\[x]', 'a[x]', true],
    ['*', 'anything/below', true],
    ['.*', '.git', true],
    ['.git', '.git/objects/ab/cdef', true],
    ['node_modules\n!node_modules/keep', 'node_modules/keep/index.js', false],
    ['node_modules\n!node_modules/keep', 'node_modules/other/index.js', true],
    ['**\n!src\nsrc/gen', 'src/gen/out.ts', true],
    ['**\n!src\nsrc/gen', 'src/main.ts', false],
    ['  spaced.txt  ', 'spaced.txt', true],
    ['# comment\n\n#*.md', 'a.md', false],
    ['./build/../out', 'out/x', true],
  ])('%j vs %j -> %s', (patterns, file, ignored) => {
    expect(matcherFor(patterns).matches(file)).toBe(ignored);
  });

  test('malformed pattern is a usage error naming the pattern', () => {
    expect(() => parseDockerignore('ok\n[z-a')).toThrow(TsbuildError);
    expect(() => parseDockerignore('ok\n[z-a')).toThrow(/\[z-a/);
    expect(() => parseDockerignore('!')).toThrow(/illegal exclusion/);
  });

  test('walk pruning: only a directory an exception can reach into is entered', () => {
    const literal = matcherFor('node_modules\n!node_modules/keep/x.js');
    expect(literal.mayContainIncluded('node_modules')).toBe(true);
    expect(literal.mayContainIncluded('node_modules/keep')).toBe(true);
    expect(literal.mayContainIncluded('node_modules/other')).toBe(false);
    expect(matcherFor('node_modules').mayContainIncluded('node_modules')).toBe(false);
    expect(matcherFor('node_modules\n!**/*.d.ts').mayContainIncluded('node_modules/x')).toBe(true);
  });
});

describe('reading .dockerignore text', () => {
  test('comments, trimming, BOM, CRLF, leading slash and ! handling', () => {
    const text = '\uFEFF# c\r\n  /a/b/../c  \r\n\r\n! /x/./y\r\n  # not a comment\r\n/\n';
    expect(readDockerignoreLines(text)).toEqual(['a/c', '!x/y', '# not a comment', '/']);
  });
});

describe('which ignore file applies', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function context(files: Record<string, string>): string {
    dir = mkdtempSync(path.join(tmpdir(), 'tsbuild-ignore-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }

  test('<Dockerfile>.dockerignore beside the Dockerfile beats the root .dockerignore', async () => {
    const ctx = context({ '.dockerignore': '*.md\n', 'build/app.Dockerfile.dockerignore': '*.txt\n' });
    const rules = await loadIgnoreRules(ctx, path.join(ctx, 'build/app.Dockerfile'));
    expect(rules.source).toBe(path.join(ctx, 'build/app.Dockerfile.dockerignore'));
    expect(rules.matches('notes.txt')).toBe(true);
    expect(rules.matches('README.md')).toBe(false);
  });

  test('the root .dockerignore applies when the Dockerfile has none', async () => {
    const ctx = context({ '.dockerignore': '*.md\n' });
    const rules = await loadIgnoreRules(ctx, path.join(ctx, 'Dockerfile'));
    expect(rules.matches('README.md')).toBe(true);
  });

  test('no ignore file ignores nothing', async () => {
    const rules = await loadIgnoreRules(context({ Dockerfile: 'FROM scratch\n' }));
    expect(rules.patterns).toHaveLength(0);
    expect(rules.matches('anything')).toBe(false);
  });
});
