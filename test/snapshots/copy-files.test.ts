// COPY into a rootfs: Docker's destination rules, parents, symlinked parents, --chown/--chmod/--parents/--exclude.
import {
  lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveChown } from '../../src/executor/chown-lookup.js';
import { parseChmod } from '../../src/executor/copy-files-chmod.js';
import { ExcludeMatcher } from '../../src/executor/copy-files-exclude.js';
import { copyFiles, type CopyFilesOptions, type CopySource } from '../../src/executor/copy-files.js';

let base: string;
let context: string;
let rootfs: string;
const MTIME = new Date('2021-05-06T07:08:09Z');

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'copy-files-'));
  context = join(base, 'context');
  rootfs = join(base, 'rootfs');
  for (const dir of ['context/dir/sub', 'context/other', 'rootfs/etc', 'rootfs/srv/real', 'rootfs/existing']) {
    mkdirSync(join(base, dir), { recursive: true });
  }
  const files: Record<string, string> = {
    'a.txt': 'A', 'b.txt': 'B', 'c.md': 'C', 'dir/x': 'X', 'dir/sub/y.txt': 'Y', 'dir/sub/z.log': 'Z', 'other/o': 'O',
  };
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(context, name), content, { mode: 0o640 });
    utimesSync(join(context, name), MTIME, MTIME);
  }
  symlinkSync('x', join(context, 'dir/link'));
  symlinkSync('/srv/real', join(rootfs, 'app'));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nweb:x:1234:2345::/home/web:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nstaff:x:50:\nweb:x:2345:\n');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const src = (relPath: string): CopySource => ({ kind: 'path', root: context, relPath });

function copy(sources: string[], dest: string, extra: Partial<CopyFilesOptions> = {}): void {
  copyFiles({ rootfs, sources: sources.map(src), dest, ...extra });
}

/** Sorted rootfs-relative paths of regular files and symlinks under `dir` with their content or target. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      const stats = lstatSync(path);
      if (stats.isDirectory()) walk(path);
      else if (stats.isSymbolicLink()) out.push(`${relative(dir, path)}->${readlinkSync(path)}`);
      else out.push(`${relative(dir, path)}=${readFileSync(path, 'utf8')}`);
    }
  };
  walk(dir);
  return out.sort();
}

describe('COPY destination rules', () => {
  it.each<[string, string[], string, string[]]>([
    ['file to file', ['a.txt'], '/new.txt', ['new.txt=A']],
    ['file to dir/', ['a.txt'], '/d/', ['d/a.txt=A']],
    ['file into an existing dir without slash', ['a.txt'], '/existing', ['existing/a.txt=A']],
    ['dir copies its contents', ['dir'], '/d', ['d/link->x', 'd/sub/y.txt=Y', 'd/sub/z.log=Z', 'd/x=X']],
    ['several files (a wildcard\'s matches) into dir/', ['a.txt', 'b.txt'], '/w/', ['w/a.txt=A', 'w/b.txt=B']],
    ['missing parents are created', ['a.txt'], '/p/q/r/file', ['p/q/r/file=A']],
    ['symlinked parent resolves inside the rootfs', ['a.txt'], '/app/a.txt', ['srv/real/a.txt=A']],
    ['dir through a symlinked dest dir', ['other'], '/app/', ['srv/real/o=O']],
  ])('%s', (_name, sources, dest, expected) => {
    copy(sources, dest);
    const listing = files(rootfs).filter((line) => !line.startsWith('etc/') && !line.startsWith('app->'));
    expect(listing).toEqual(expected.sort());
  });

  it('keeps mtimes and makes context copies 0:0 with the source mode; created parents are 0755 root', () => {
    copy(['a.txt'], '/p/q/file');
    const file = lstatSync(join(rootfs, 'p/q/file'));
    expect([file.mtime.getTime(), file.uid, file.gid, file.mode & 0o7777]).toEqual([MTIME.getTime(), 0, 0, 0o640]);
    const parent = lstatSync(join(rootfs, 'p'));
    expect([parent.mode & 0o7777, parent.uid, parent.gid]).toEqual([0o755, 0, 0]);
  });

  it('--chown by name uses /etc/passwd and /etc/group of the rootfs, also for created parents', () => {
    copy(['dir'], '/home/web/app', { chown: resolveChown(rootfs, 'web') });
    for (const path of ['home', 'home/web/app', 'home/web/app/x', 'home/web/app/sub/y.txt']) {
      const stats = lstatSync(join(rootfs, path));
      expect([path, stats.uid, stats.gid]).toEqual([path, 1234, 2345]);
    }
    expect(resolveChown(rootfs, 'web:staff')).toEqual({ uid: 1234, gid: 50 });
    expect(resolveChown(rootfs, '42')).toEqual({ uid: 42, gid: 42 });
    expect(resolveChown(rootfs, '42:7')).toEqual({ uid: 42, gid: 7 });
    expect(() => resolveChown(rootfs, 'nobody')).toThrow(/unable to find user nobody/);
    expect(() => resolveChown(rootfs, 'web:nogroup')).toThrow(/unable to find group nogroup/);
  });

  it.each<[string, number, boolean, number]>([
    ['755', 0o640, false, 0o755],
    ['0600', 0o755, true, 0o600],
    ['u+x,g-w', 0o664, false, 0o744],
    ['a=rX', 0o640, false, 0o444],
    ['a=rX', 0o640, true, 0o555],
    ['go-rwx', 0o777, false, 0o700],
    ['+x', 0o600, false, 0o711],
  ])('--chmod %s on %o (dir=%s) gives %o', (spec, mode, isDir, expected) => {
    expect(parseChmod(spec)(mode, isDir)).toBe(expected);
  });

  it('--chmod applies to copied files and dirs', () => {
    copy(['dir'], '/d', { chmod: 'u+x,g-r' });
    expect(lstatSync(join(rootfs, 'd/x')).mode & 0o7777).toBe(0o700);
    expect(() => parseChmod('u+q')).toThrow(/invalid --chmod/);
  });

  it('--parents keeps the source\'s parent directories', () => {
    copy(['dir/sub/y.txt', 'other/o'], '/out/', { parents: true });
    expect(files(join(rootfs, 'out'))).toEqual(['dir/sub/y.txt=Y', 'other/o=O']);
  });

  it('--exclude drops matching entries, with ! exceptions', () => {
    copy(['.'], '/all', { exclude: ['*.txt', 'dir/sub', '!dir/sub/y.txt'] });
    expect(files(join(rootfs, 'all'))).toEqual(['c.md=C', 'dir/link->x', 'dir/sub/y.txt=Y', 'dir/x=X', 'other/o=O']);
    copy(['a.txt', 'c.md'], '/sel/', { exclude: ['*.txt'] });
    expect(files(join(rootfs, 'sel'))).toEqual(['c.md=C']);
    expect(new ExcludeMatcher(['**/*.log']).excludes('dir/sub/z.log')).toBe(true);
    expect(new ExcludeMatcher(['d?r']).excludes('dir/x')).toBe(true);
  });

  it('writes heredoc sources as files named after the heredoc', () => {
    copyFiles({ rootfs, sources: [{ kind: 'inline', name: 'script.sh', content: 'echo hi\n' }], dest: '/bin/', chmod: '755' });
    const stats = lstatSync(join(rootfs, 'bin/script.sh'));
    expect([readFileSync(join(rootfs, 'bin/script.sh'), 'utf8'), stats.mode & 0o7777]).toEqual(['echo hi\n', 0o755]);
  });

  it('replaces a symlink at a heredoc target instead of writing through it', () => {
    const outside = join(base, 'outside.txt');
    writeFileSync(outside, 'untouched');
    mkdirSync(join(rootfs, 'h'));
    symlinkSync(outside, join(rootfs, 'h/note'));
    copyFiles({ rootfs, sources: [{ kind: 'inline', name: 'note', content: 'new' }], dest: '/h/' });
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
    expect(readFileSync(join(rootfs, 'h/note'), 'utf8')).toBe('new');
  });

  it('refuses to replace a directory with a file and reports a missing source', () => {
    expect(() => copy(['a.txt'], '/existing2', { destIsDir: false })).not.toThrow();
    mkdirSync(join(rootfs, 'dd/a.txt'), { recursive: true });
    expect(() => copy(['a.txt'], '/dd/')).toThrow(/cannot replace directory/);
    expect(() => copy(['missing'], '/m')).toThrow(/not found/);
  });
});
