// ADD of a git repository, served over plain (dumb) HTTP from a repository made in the test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGitRepository } from '../helpers/git-http.js';
import { buildError, buildImage, newRoot, removeTempDirs, tempDir, unpackImage, writeContext } from './helpers.js';

let server: Server;
let base: string;
let root: string;
let firstCommit: string;

beforeAll(async () => {
  root = await newRoot();
  const work = tempDir('tsbuild-git-');
  const repo = join(work, 'src');
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  mkdirSync(join(repo, 'docs'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README'), 'v1\n');
  writeFileSync(join(repo, 'docs', 'guide.txt'), 'guide\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'one');
  firstCommit = git('rev-parse', 'HEAD');
  git('tag', 'v1');
  writeFileSync(join(repo, 'README'), 'v2\n');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-am', 'two');
  ({ server, url: base } = await serveGitRepository(repo, work));
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  removeTempDirs();
});

describe('ADD <git repository>', () => {
  it('checks out the default branch, a tag or a subdirectory, without .git', async () => {
    const dockerfile = `FROM busybox\nADD ${base} /head\nADD ${base}#v1 /tagged\nADD ${base}#main:docs /docs\n`;
    const { result } = await buildImage(root, writeContext({}), dockerfile);
    const rootfs = unpackImage(root, result.digest);
    expect(readFileSync(join(rootfs, 'head/README'), 'utf8')).toBe('v2\n');
    expect(readFileSync(join(rootfs, 'tagged/README'), 'utf8')).toBe('v1\n');
    expect(readFileSync(join(rootfs, 'docs/guide.txt'), 'utf8')).toBe('guide\n');
    expect(existsSync(join(rootfs, 'head/.git'))).toBe(false);
  });

  it('keeps .git with --keep-git-dir and checks --checksum against the commit', async () => {
    const { result } = await buildImage(root, writeContext({}), `FROM busybox\nADD --keep-git-dir --checksum=${firstCommit} ${base}#v1 /src\n`);
    expect(existsSync(join(unpackImage(root, result.digest), 'src/.git'))).toBe(true);
    const wrong = await buildError(root, writeContext({}), `FROM busybox\nADD --checksum=${'0'.repeat(40)} ${base}#v1 /src\n`);
    expect(wrong.message).toMatch(/^Dockerfile:2: .*expected checksum to match 0{40}, got [0-9a-f]{40}/);
  });

  it('fails naming the line when the repository cannot be fetched', async () => {
    const error = await buildError(root, writeContext({}), 'FROM busybox\nRUN true\nADD http://127.0.0.1:9/missing.git /src\n');
    expect(error.message).toMatch(/^Dockerfile:3: cannot check out http:\/\/127\.0\.0\.1:9\/missing\.git/);
  });
});
