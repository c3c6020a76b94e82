// `tsbuild build` through the built CLI as users run it: the live display under a real
// pseudo-terminal (`script`), plain lines in CI, Ctrl-C, and a full disk.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { mountsUnder, processesMatching, uniqueSleepSeconds } from '../helpers/leftovers.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
const ESC = String.fromCharCode(27);
let work: string;
let rootfs: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), 'tsbuild-cli-build-'));
  rootfs = join(work, 'rootfs');
  await makeBusyboxRootfs(rootfs);
});

const mounted: string[] = [];
afterAll(() => {
  for (const point of mounted) spawnSync('umount', ['-l', point]);
});

/**
 * A fresh root with the busybox base imported as `base:1`, a context with `dockerfile`, and a
 * TMPDIR of its own, where the sandbox's run dirs go (so leftover checks look at this test's only).
 */
function setup(name: string, dockerfile: string, root = join(work, `${name}-root`)) {
  const tmp = join(work, `${name}-tmp`);
  mkdirSync(tmp);
  const env = { ...process.env, TSBUILD_ROOT: root, TMPDIR: tmp, CI: '' };
  execFileSync(process.execPath, [cli, 'import', rootfs, 'base:1'], { env, stdio: 'ignore' });
  const context = join(work, `${name}-ctx`);
  mkdirSync(context, { recursive: true });
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  return { env, context, root, tmp };
}

describe('progress display', () => {
  it('redraws a live view on a terminal and ends with a summary', () => {
    const { env, context } = setup('tty', 'FROM base:1\nRUN echo hello-from-run && sleep 0.5\n');
    const command = `stty cols 160; ${process.execPath} ${cli} build -t demo/tty ${context}`;
    const result = spawnSync('script', ['-qfec', command, '/dev/null'], { encoding: 'utf8', env });
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${ESC}\\[\\d+A${ESC}\\[0J`)); // cursor up + clear: redrawn in place
    expect(result.stdout).toMatch(/\[\+\] Building \d+\.\ds \(2 steps, 0 cached\) FINISHED/);
    expect(result.stdout).toMatch(/✔ \[2\/2\] RUN echo hello-from-run && sleep 0\.5 \d+\.\ds/);
    expect(result.stdout).toContain('=> image ID: sha256:');
  });

  it('prints plain numbered lines without a terminal, and CACHED on a rebuild', () => {
    const { env, context } = setup('plain', 'FROM base:1\nRUN echo hello-plain\n');
    const first = spawnSync(process.execPath, [cli, 'build', '-t', 'demo/plain', context], { encoding: 'utf8', env });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^#2 \[2\/2\] RUN echo hello-plain$/m);
    expect(first.stderr).toMatch(/^#2 \d+\.\d hello-plain$/m);
    const second = spawnSync(process.execPath, [cli, 'build', '-q', '-t', 'demo/plain', context], { encoding: 'utf8', env });
    expect(second.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const json = spawnSync(process.execPath, [cli, 'build', '--progress', 'json', '-t', 'demo/plain', context], { encoding: 'utf8', env });
    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(events.filter((e) => e.type === 'step.cached')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('result');
  });
});

describe('interruptions and failures', () => {
  it('Ctrl-C stops the build with status 130 and leaves no process or mount behind', async () => {
    const sleep = `sleep ${uniqueSleepSeconds(60)}`;
    const { env, context, root, tmp } = setup('sigint', `FROM base:1\nRUN echo started && ${sleep}\n`);
    const child = spawn(process.execPath, [cli, 'build', '--progress', 'plain', context], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/#\d+ \d+\.\d started/.test(output)) resolve();
      });
    });
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(status).toBe(130);
    expect(mountsUnder(root, tmp)).toEqual([]);
    expect(processesMatching(sleep)).toEqual([]);
  });

  it('after a build is killed with SIGKILL, the next build cleans up and succeeds', async () => {
    const { env, context, root, tmp } = setup('sigkill', `FROM base:1\nRUN echo started && sleep ${uniqueSleepSeconds(60)}\n`);
    const child = spawn(process.execPath, [cli, 'build', '--progress', 'plain', context], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => {
      let output = '';
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/#\d+ \d+\.\d started/.test(output)) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(readdirSync(join(root, 'snapshots')).some((name) => name.startsWith('tmp-'))).toBe(true);
    writeFileSync(join(context, 'Dockerfile'), 'FROM base:1\nRUN echo again\n');
    const again = spawnSync(process.execPath, [cli, 'build', '--progress', 'plain', context], { encoding: 'utf8', env });
    expect(again.status, again.stderr).toBe(0);
    expect(readdirSync(join(root, 'snapshots')).filter((name) => name.startsWith('tmp-'))).toEqual([]);
    expect(mountsUnder(root, tmp)).toEqual([]);
  });

  it('a full disk fails the build clearly and leaves no partial blob', () => {
    const root = join(work, 'full-root');
    mkdirSync(root, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', root]);
    mounted.push(root);
    const { env, context } = setup('full', 'FROM base:1\nRUN head -c 4000000 /dev/urandom > /big\n', root);
    const result = spawnSync(process.execPath, [cli, 'build', '--progress', 'plain', context], { encoding: 'utf8', env });
    expect(result.stderr).toMatch(/^error: no space left on device \(free some, or run `tsbuild prune`\) \[ENOSPC\]/m);
    expect(result.status).toBe(1);
    const blobs = readdirSync(join(root, 'blobs', 'sha256'));
    for (const blob of blobs) {
      const digest = execFileSync('sha256sum', [join(root, 'blobs', 'sha256', blob)], { encoding: 'utf8' }).split(' ')[0];
      expect(digest).toBe(blob);
    }
  });
});

describe('image IDs', () => {
  it('an untagged build is listed as <none> and runs by its ID, like docker', () => {
    const { env, context } = setup('untagged', 'FROM base:1\nCMD ["echo", "untagged ran"]\n');
    const id = execFileSync(process.execPath, [cli, 'build', '-q', context], { env, encoding: 'utf8' }).trim();
    expect(execFileSync(process.execPath, [cli, 'run', '--rm', id.slice(7, 19)], { env, encoding: 'utf8' })).toBe('untagged ran\n');
    const images = execFileSync(process.execPath, [cli, 'images', '--format', '{{.Repository}}:{{.Tag}}'], { env, encoding: 'utf8' }).split('\n');
    expect(images.filter((i) => i === '<none>:<none>')).toHaveLength(1);
  });

  it('`tsbuild run $(tsbuild build -q -t NAME .)` runs the image by its ID, full or short', () => {
    const { env, context } = setup('image-id', 'FROM base:1\nCMD ["echo", "ran by id"]\n');
    const id = execFileSync(process.execPath, [cli, 'build', '-q', '-t', 'demo/by-id', context], { env, encoding: 'utf8' }).trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const ref of [id, id.slice(7, 19)]) {
      expect(execFileSync(process.execPath, [cli, 'run', '--rm', ref], { env, encoding: 'utf8' })).toBe('ran by id\n');
    }
  });
});
