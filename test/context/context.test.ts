// Walking a real context directory, COPY source selection and the selection digest.
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { IgnoreMatcher, loadIgnoreRules, parseDockerignore } from '../../src/context/dockerignore.js';
import { walkContext, type ContextEntry } from '../../src/context/context.js';
import { hashContextFiles } from '../../src/context/hash.js';
import { selectSources } from '../../src/context/select.js';
import { contentDigest } from '../../src/context/digest.js';
import { TsbuildError } from '../../src/errors.js';

let ctx = '';
beforeEach(() => {
  ctx = mkdtempSync(path.join(tmpdir(), 'tsbuild-ctx-'));
  const files: Record<string, string> = {
    'Dockerfile': 'FROM scratch\n',
    'README.md': 'readme\n',
    'src/main.go': 'package main\n',
    'src/util/util.go': 'package util\n',
    'src/util/util_test.go': 'package util\n',
    'docs/guide.md': 'guide\n',
    'node_modules/a/index.js': 'a\n',
    'node_modules/keep/index.js': 'keep\n',
    'logs/x.log': 'log\n',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ctx, name)), { recursive: true });
    writeFileSync(path.join(ctx, name), text);
  }
  symlinkSync('src/main.go', path.join(ctx, 'link.go'));
});
afterEach(() => rmSync(ctx, { recursive: true, force: true }));

const walk = (rules = ''): ContextEntry[] => hashContextFiles(ctx, walkContext(ctx, new IgnoreMatcher(parseDockerignore(rules))));
const paths = (entries: readonly ContextEntry[]): string[] => entries.map((e) => e.path);

describe('walkContext', () => {
  test('records types, modes, sizes, link targets; applies rules and re-includes exceptions', () => {
    const entries = walk('node_modules\n!node_modules/keep\n*.md\nlogs');
    expect(paths(entries)).toEqual([
      'Dockerfile', 'docs', 'docs/guide.md', 'link.go', 'node_modules', 'node_modules/keep', 'node_modules/keep/index.js',
      'src', 'src/main.go', 'src/util', 'src/util/util.go', 'src/util/util_test.go',
    ]);
    const link = entries.find((e) => e.path === 'link.go')!;
    expect(link).toMatchObject({ type: 'symlink', linkTarget: 'src/main.go' });
    const main = entries.find((e) => e.path === 'src/main.go')!;
    expect(main).toMatchObject({ type: 'file', size: 13, mode: 0o644 & ~process.umask() });
    expect(main.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof main.mtimeNs).toBe('bigint');
  });

  test('a wildcard exception re-includes files inside an ignored directory, with their parents', () => {
    const entries = walk('logs\n!logs/*.log\nnode_modules\nsrc\ndocs');
    expect(paths(entries)).toEqual(['Dockerfile', 'README.md', 'link.go', 'logs', 'logs/x.log']);
  });

  test('directory symlinks are recorded, not followed', () => {
    symlinkSync('..', path.join(ctx, 'src/up'));
    const entries = walk('node_modules');
    expect(entries.find((e) => e.path === 'src/up')).toMatchObject({ type: 'symlink', linkTarget: '..' });
    expect(paths(entries).filter((p) => p.startsWith('src/up/'))).toEqual([]);
  });

  test('follows the .dockerignore of the context root', async () => {
    writeFileSync(path.join(ctx, '.dockerignore'), '**/*_test.go\n.dockerignore\n');
    const entries = walkContext(ctx, await loadIgnoreRules(ctx));
    expect(paths(entries)).toContain('src/util/util.go');
    expect(paths(entries)).not.toContain('src/util/util_test.go');
    expect(paths(entries)).not.toContain('.dockerignore');
  });
});

describe('selectSources', () => {
  test.each([
    [['src/main.go'], ['src/main.go']],
    [['/src/main.go'], ['src/main.go']],
    [['src/util'], ['src/util', 'src/util/util.go', 'src/util/util_test.go']],
    [['src/*.go'], ['src/main.go']],
    [['src/*/*_test.go'], ['src/util/util_test.go']],
    [['*.md', 'docs'], ['README.md', 'docs', 'docs/guide.md']],
    [['src/u?il'], ['src/util', 'src/util/util.go', 'src/util/util_test.go']],
    [['nothing*'], []],
    [['./src/../Dockerfile'], ['Dockerfile']],
  ])('%j selects %j', (patterns, expected) => {
    expect(paths(selectSources(walk(), patterns).entries)).toEqual(expected);
  });

  test('a symlink named as a source is followed inside the context', () => {
    const selection = selectSources(walk(), ['link.go']);
    expect(selection.roots[0]).toMatchObject({ matchedPath: 'link.go', entry: { path: 'src/main.go' } });
  });

  test('a missing source names the pattern like BuildKit', () => {
    expect(() => selectSources(walk(), ['src/missing.go'])).toThrow('"/src/missing.go": not found');
    expect(() => selectSources(walk(), ['src/missing.go'])).toThrow(TsbuildError);
  });

  test('a wildcard may match nothing, but the directory before it must exist', () => {
    expect(selectSources(walk(), ['src/*.rs']).entries).toEqual([]);
    expect(() => selectSources(walk(), ['missing/dir/*.rs'])).toThrow('"/missing/dir": not found');
  });

  test('an ignored file cannot be copied', () => {
    expect(() => selectSources(walk('*.md'), ['README.md'])).toThrow('"/README.md": not found');
  });

  test.each(['../outside', 'src/../../outside', '..'])('%s escapes the context', (pattern) => {
    expect(() => selectSources(walk(), [pattern])).toThrow(/outside the build context/);
  });
});

describe('contentDigest', () => {
  const digestOf = (patterns = ['src'], options = {}): string => contentDigest(selectSources(walk(), patterns), options);

  test('ignores timestamps', () => {
    const before = digestOf();
    utimesSync(path.join(ctx, 'src/main.go'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(digestOf()).toBe(before);
  });

  test('changes with content, mode, path, symlink target, chmod and chown', () => {
    const base = digestOf(['.']);
    writeFileSync(path.join(ctx, 'src/main.go'), 'package main // edited\n');
    const edited = digestOf(['.']);
    expect(edited).not.toBe(base);
    chmodSync(path.join(ctx, 'src/main.go'), 0o755);
    const chmodded = digestOf(['.']);
    expect(chmodded).not.toBe(edited);
    rmSync(path.join(ctx, 'link.go'));
    symlinkSync('src/util', path.join(ctx, 'link.go'));
    const relinked = digestOf(['.']);
    expect(relinked).not.toBe(chmodded);
    expect(digestOf(['.'], { chmod: 0o600 })).not.toBe(relinked);
    expect(digestOf(['.'], { chown: { uid: 1000, gid: 1000 } })).not.toBe(relinked);
    expect(digestOf(['.'], { chmod: (mode: number) => mode })).toBe(relinked);
    expect(digestOf(['.'], { chmod: (mode: number, isDir: boolean) => (isDir ? mode : mode | 0o100) })).not.toBe(relinked);
  });

  test('changes when a file is renamed', () => {
    const before = digestOf(['.']);
    renameSync(path.join(ctx, 'src/util/util_test.go'), path.join(ctx, 'src/util/util2_test.go'));
    expect(digestOf(['.'])).not.toBe(before);
  });

  test('the same content under the same names gives the same digest in another directory', () => {
    const first = digestOf(['src']);
    const copy = mkdtempSync(path.join(tmpdir(), 'tsbuild-ctx-copy-'));
    try {
      for (const name of ['src/main.go', 'src/util/util.go', 'src/util/util_test.go']) {
        mkdirSync(path.dirname(path.join(copy, name)), { recursive: true });
        writeFileSync(path.join(copy, name), name.endsWith('main.go') ? 'package main\n' : 'package util\n');
      }
      const entries = hashContextFiles(copy, walkContext(copy, new IgnoreMatcher([])));
      expect(contentDigest(selectSources(entries, ['src']))).toBe(first);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('unhashed files are refused', () => {
    const entries = walkContext(ctx, new IgnoreMatcher([]));
    expect(() => contentDigest(selectSources(entries, ['src']))).toThrow(/not hashed/);
  });
});
