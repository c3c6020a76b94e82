// `tsbuild run -dit`: a detached container with a terminal of its own, as docker users start a
// shell to come back to; its output (through the terminal) goes to `tsbuild logs`.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES, makeRunFixture, type RunFixture, until } from '../container/fixture.js';

let fx: RunFixture;
beforeAll(async () => {
  fx = await makeRunFixture();
}, 120_000);
afterAll(async () => {
  await fx.tsbuild(['rm', '-f', ...(await fx.tsbuild(['ps', '-aq'])).stdout.split('\n').filter(Boolean)]);
  rmSync(fx.work, { recursive: true, force: true });
});


describe.each(['builtin', 'runc'])('tsbuild run -dit (%s)', (runtime) => {
  it('keeps an interactive shell running on its own terminal, its output in the logs', async () => {
    const name = `shell-${runtime}`;
    const started = await fx.tsbuild(['run', '-dit', '--runtime', runtime, '--name', name, IMAGES.busybox, 'sh', '-c', 'tty; echo hello; exec sh']);
    expect(started.stderr).toBe('');
    expect(started).toMatchObject({ status: 0, stdout: expect.stringMatching(/^[0-9a-f]{64}\n$/) });
    // The shell's prompt in the log: it is waiting for input on its terminal, as with docker.
    const logs = await until('the prompt in the log', async () => {
      const r = await fx.tsbuild(['logs', name]);
      return r.stdout.includes('/ # ') ? r.stdout : undefined;
    });
    expect(logs).toMatch(/^\/dev\/pts\/0\r\nhello\r\n/);
    const ps = await fx.tsbuild(['ps']);
    expect(ps.stdout).toMatch(new RegExp(` Up .* ${name}\\n`));
    expect(await fx.tsbuild(['rm', '-f', name])).toMatchObject({ status: 0 });
  });
});

it('-d with -t but no -i also runs with a terminal', async () => {
  const started = await fx.tsbuild(['run', '-dt', '--name', 'tty-only', IMAGES.busybox, 'sh', '-c', 'tty; [ -t 0 ] && echo stdin-is-a-terminal']);
  expect(started.status, started.stderr).toBe(0);
  const logs = await until('the output in the log', async () => {
    const r = await fx.tsbuild(['logs', 'tty-only']);
    return r.stdout.includes('stdin-is-a-terminal') ? r.stdout : undefined;
  });
  expect(logs).toBe('/dev/pts/0\r\nstdin-is-a-terminal\r\n');
});

it('-d with -i keeps stdin open and empty, as docker does: cat waits instead of reading end-of-file', async () => {
  const started = await fx.tsbuild(['run', '-di', '--name', 'held', IMAGES.busybox, 'sh', '-c', 'echo up; cat; echo stdin-ended']);
  expect(started.status, started.stderr).toBe(0);
  await until('the output in the log', async () => ((await fx.tsbuild(['logs', 'held'])).stdout.includes('up') ? true : undefined));
  const ps = await fx.tsbuild(['ps']);
  expect(ps.stdout).toMatch(/ Up .* held\n/);
  expect((await fx.tsbuild(['logs', 'held'])).stdout).toBe('up\n');
  expect(await fx.tsbuild(['rm', '-f', 'held'])).toMatchObject({ status: 0 });
});
