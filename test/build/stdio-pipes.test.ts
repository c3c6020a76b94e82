// RUN and `tsbuild run` give the process pipes as fds 0-2 (as BuildKit and runc do), so opening
// /dev/stdout or /dev/stderr works, and nothing else is open in the process; both runtimes.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';
import { buildImage, eventsOf, newRoot, removeTempDirs, writeContext } from './helpers.js';

let root: string;
let fx: RunFixture;
beforeAll(async () => {
  root = await newRoot();
  fx = await makeRunFixture();
}, 120_000);
afterAll(() => {
  removeTempDirs();
  rmSync(fx.work, { recursive: true, force: true });
});

const PROBE = 'readlink /proc/self/fd/1; readlink /proc/self/fd/2; ls /proc/self/fd | tr "\\n" " "; echo; echo to-stderr > /dev/stderr; echo to-stdout | tee /dev/stdout';

function checkProbe(stdout: string, stderr: string): void {
  const lines = stdout.split('\n');
  expect(lines[0]).toMatch(/^pipe:\[\d+\]$/);
  expect(lines[1]).toMatch(/^pipe:\[\d+\]$/);
  expect(lines[2]).toBe('0 1 2 3 '); // 3 is ls's own directory
  expect(lines.slice(3)).toEqual(['to-stdout', 'to-stdout', '']);
  expect(stderr).toBe('to-stderr\n');
}

describe.each(['builtin', 'runc'] as const)('stdio of the process (%s)', (runtime) => {
  it('RUN: fds 1-2 are pipes, /dev/stdout and /dev/stderr open, no other fd is inherited', async () => {
    const { events } = await buildImage(root, writeContext({}), `FROM busybox\nRUN echo ${runtime} > /dev/null; ${PROBE}\n`, { runtime });
    const logs = eventsOf(events, 'step.log');
    const text = (stream: string) => logs.filter((e) => e.stream === stream).map((e) => `${e.text}\n`).join(''); // one event per line
    checkProbe(text('stdout'), text('stderr'));
  });

  it('tsbuild run: the same pipes, stdin included', async () => {
    const r = await fx.tsbuild(['run', '--rm', '--runtime', runtime, IMAGES.busybox, 'sh', '-c', `readlink /proc/self/fd/0; ${PROBE}`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pipe:\[\d+\]\n/);
    checkProbe(r.stdout.replace(/^.*\n/, ''), r.stderr);
  });
});
