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
import { replayTerminal } from '../helpers/terminal-screen.js';

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
    expect(result.stdout).toMatch(/\[\+\] Building \d+\.\ds \(3\/3\) FINISHED/);
    expect(result.stdout).toMatch(/=> \[2\/2\] RUN echo hello-from-run && sleep 0\.5 +\d+\.\ds/);
    expect(result.stdout).toContain('=> image ID: sha256:');
  });

  it('keeps the live view within a 100x15 terminal: a 20-step build leaves one frame in the scrollback', () => {
    const runs = Array.from({ length: 19 }, (_, i) => `RUN echo output-of-step-${i + 2} && sleep 0.2`).join('\n');
    const { env, context } = setup('small-tty', `FROM base:1\n${runs}\n`);
    const command = `stty rows 15 cols 100; ${process.execPath} ${cli} build ${context}`;
    const result = spawnSync('script', ['-qfec', command, '/dev/null'], { encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
    expect(result.status, result.stdout).toBe(0);
    const { scrollback, screen } = replayTerminal(result.stdout, 15, 100);
    const everything = [...scrollback, ...screen];
    // Redrawn in place many times, yet one header and each step once: the final view only.
    expect(result.stdout.match(/\[\+\] Building/g)?.length ?? 0).toBeGreaterThan(1);
    expect(everything.filter((line) => line.startsWith('[+] Building'))).toEqual([expect.stringMatching(/^\[\+\] Building \d+\.\ds \(21\/21\) FINISHED$/)]);
    for (let n = 2; n <= 20; n++) {
      expect(everything.filter((line) => line.includes(`[${n}/20] RUN echo output-of-step-${n} `))).toHaveLength(1);
    }
    expect(everything.filter((line) => / => exporting to image +\d+\.\ds$/.test(line))).toHaveLength(1);
    // The elapsed time ends each step line at the right edge (column 99).
    expect(everything.find((line) => line.includes('[20/20]'))).toMatch(/^ => \[20\/20\] RUN echo output-of-step-20 && sleep 0\.2 +\d+\.\ds$/);
    expect(everything.find((line) => line.includes('[20/20]'))).toHaveLength(99);
  });

  it('plain: whole output lines, build args in step names, a failure shown once with its Dockerfile lines', () => {
    const dockerfile = [
      'FROM base:1',
      'ARG VERSION=0.3.1',
      'RUN echo version-$VERSION',
      "RUN set -x; printf 'part-'; sleep 0.3; printf 'whole\\n'",
      'RUN echo failing-output; exit 3',
      'RUN echo never',
    ].join('\n');
    const { env, context } = setup('plain-lines', `${dockerfile}\n`);
    const result = spawnSync(process.execPath, [cli, 'build', '--progress', 'plain', context], { encoding: 'utf8', env });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^#2 \[2\/5\] RUN echo version-0\.3\.1$/m);
    expect(result.stderr).toMatch(/^#3 \d+\.\d part-whole$/m);
    expect(result.stderr).toMatch(/^#3 \d+\.\d \+ printf part-$/m);
    // The output once, as a log line: no tail repeated under the ERROR line or the final error.
    expect(result.stderr.match(/^.*failing-output$/gm)).toEqual([expect.stringMatching(/^#4 \d+\.\d failing-output$/)]);
    expect(result.stderr).toContain([
      'Dockerfile:5',
      '--------------------',
      '   3 |     RUN echo version-$VERSION',
      "   4 |     RUN set -x; printf 'part-'; sleep 0.3; printf 'whole\\n'",
      '   5 | >>> RUN echo failing-output; exit 3',
      '   6 |     RUN echo never',
      '--------------------',
      `error: ${join(context, 'Dockerfile')}:5: RUN failed: process "/bin/sh -c echo failing-output; exit 3" did not complete successfully: exit code: 3\n`,
    ].join('\n'));
    const json = spawnSync(process.execPath, [cli, 'build', '--progress', 'json', context], { encoding: 'utf8', env });
    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; time: string; line?: number; text?: string });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'STEP_FAILED', line: 5 });
    expect(events.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
    expect(events.filter((e) => e.type === 'step.log').map((e) => e.text)).toContain('failing-output');
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
    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; name?: string });
    // The base, already unpacked, is CACHED under FROM as in BuildKit.
    expect(events.filter((e) => e.type === 'step.cached').map((e) => e.name)).toEqual([
      expect.stringMatching(/^\[1\/2\] FROM docker\.io\/library\/base:1@sha256:[0-9a-f]{64}$/), '[2/2] RUN echo hello-plain',
    ]);
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
