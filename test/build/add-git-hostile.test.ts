// ADD of a git URL written by an attacker: the ref and the subdirectory come from the Dockerfile
// and the repository's content from its server, so none of them may reach git as an option, pick a
// transport that runs commands, or lead the copy out of the checkout.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkoutGit } from '../../src/context/git-source.js';
import { serveGitRepository } from '../helpers/git-http.js';
import { buildError, newRoot, removeTempDirs, tempDir, writeContext } from './helpers.js';

let server: Server;
let base: string;
let bareRepo: string;
let root: string;
let work: string;
let marker: string;
let script: string;
const where = { file: 'Dockerfile', line: 7, column: 1 };

beforeAll(async () => {
  root = await newRoot();
  work = tempDir('tsbuild-git-hostile-');
  const repo = join(work, 'src');
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README'), 'hi\n');
  symlinkSync('/etc', join(repo, 'hostetc'));
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'one');
  ({ server, url: base, bareRepo } = await serveGitRepository(repo, work));
  marker = join(work, 'git-ran-a-command');
  script = join(work, 'payload.sh');
  writeFileSync(script, `#!/bin/sh\ntouch ${marker}\nexec git-upload-pack "$@"\n`);
  chmodSync(script, 0o755);
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  removeTempDirs();
});

afterEach(() => {
  const ran = existsSync(marker);
  rmSync(marker, { force: true });
  expect(ran, 'git ran a command named by the Dockerfile').toBe(false);
});

describe('ADD <git URL> from a hostile Dockerfile', () => {
  it.each([
    ['--upload-pack=touch'],
    ['-c'],
    ['main..other'],
    ['main@{1}'],
    ['refs/heads/.hidden'],
    ['main.lock'],
  ])('refuses the ref %j, naming the line', async (ref) => {
    const error = await buildError(root, writeContext({}), `FROM busybox\nADD ${base}#${ref} /src\n`);
    expect(error.message).toMatch(/^Dockerfile:2: invalid git ref "/);
    expect(error.message).toContain(ref);
  });

  it.each([['../..'], ['docs/../../x']])('refuses the subdirectory %j that climbs out of the repository', async (subdir) => {
    const error = await buildError(root, writeContext({}), `FROM busybox\nADD ${base}#main:${subdir} /src\n`);
    expect(error.message).toMatch(/^Dockerfile:2: invalid git subdirectory "/);
  });

  it('resolves a subdirectory that is a symlink inside the checkout, never on the host', async () => {
    const error = await buildError(root, writeContext({}), `FROM busybox\nADD ${base}#main:hostetc /src\n`);
    expect(error.message).toMatch(/^Dockerfile:2: cannot check out .*no directory hostetc/);
  });

  it('never runs an --upload-pack named by the ref, even from a repository git can reach locally', async () => {
    const error = await checkoutGit(`${bareRepo}#--upload-pack=${script}`, join(tempDir(), 'co'), false, where).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Dockerfile:7: invalid git ref "--upload-pack=/);
  });

  it('checks out submodules (as BuildKit) only over network transports: an ext:: or file:// submodule URL fails', async () => {
    for (const [name, url] of [['ext', `ext::sh -c touch% ${marker}`], ['file', `file://${bareRepo}`]] as const) {
      const dir = join(work, `with-${name}-submodule`);
      const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
      execFileSync('git', ['init', '-q', '-b', 'main', dir]);
      writeFileSync(join(dir, '.gitmodules'), `[submodule "sub"]\n\tpath = sub\n\turl = ${url}\n`);
      git('add', '.gitmodules');
      // A gitlink to any commit: the submodule's clone fails on its transport before asking for it.
      git('update-index', '--add', '--cacheinfo', `160000,${execFileSync('git', ['-C', bareRepo, 'rev-parse', 'main'], { encoding: 'utf8' }).trim()},sub`);
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'submodule');
      const served = await serveGitRepository(dir, join(work, `served-${name}`));
      try {
        const error = await checkoutGit(`${served.url}#main`, join(tempDir(), 'co'), false, where).catch((e: Error) => e);
        expect(error, url).toBeInstanceOf(Error);
        expect((error as Error).message, url).toMatch(/transport '(ext|file)' not allowed/);
      } finally {
        await new Promise((resolve) => served.server.close(resolve));
      }
    }
  });

  it('refuses transports other than http(s), git and ssh, whatever the host git config allows', async () => {
    const home = tempDir('tsbuild-git-home-');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, '.gitconfig'), '[protocol "ext"]\n\tallow = always\n[protocol "file"]\n\tallow = always\n');
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      for (const url of [`ext::sh -c touch% ${marker}`, `file://${bareRepo}`, bareRepo]) {
        const error = await checkoutGit(url, join(tempDir(), 'co'), false, where).catch((e: Error) => e);
        expect(error, url).toBeInstanceOf(Error);
        expect((error as Error).message, url).toMatch(/^Dockerfile:7: cannot check out .*transport '(ext|file)' not allowed/);
      }
    } finally {
      process.env.HOME = saved;
    }
  });
});
