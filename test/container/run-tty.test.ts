// `tsbuild run -it` / `-t` through a real pseudo-terminal, on both sandbox backends: an interactive
// shell typed into, window sizes, Ctrl-C and Ctrl-D as in `docker run -it`, and a terminal of the
// container's own (never tsbuild's).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivePty, type PtySession, type PtyStep } from '../helpers/pty-driver.js';
import { cli, IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';

let fx: RunFixture;
beforeAll(async () => {
  fx = await makeRunFixture();
}, 120_000);
afterAll(() => rmSync(fx.work, { recursive: true, force: true }));

const PROMPT = '/ # ';
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

function tsbuildOnPty(steps: PtyStep[], args: string[]): Promise<PtySession> {
  return drivePty(steps, [process.execPath, cli, ...args], { ...process.env, TSBUILD_ROOT: fx.root });
}

describe.each(['builtin', 'runc'] as const)('tsbuild run -it (%s)', (runtime) => {
  it('gives an interactive shell on a terminal of its own; Ctrl-C interrupts a command once, Ctrl-D exits', async () => {
    const session = await tsbuildOnPty([
      ['expect', PROMPT],
      ['send', 'echo $((6*7)); tty; ls /dev/pts | tr "\\n" " "; echo; stty size\n'],
      ['expect', '42\n/dev/pts/0\n0 ptmx \n24 80\n'],
      ['expect', PROMPT],
      // The container's terminal signals its foreground job once its size has changed.
      ['send', "sh -c 'trap \"stty size; exit\" WINCH; echo armed; while :; do sleep 1; done'\n"],
      ['expect', 'armed\n'],
      ['resize', 30, 100],
      ['expect', '30 100\n'],
      ['expect', PROMPT],
      // The process itself announces that it runs; a SIGINT from then on ends it (130), sh or sleep.
      ['send', "sh -c 'echo sleeping; exec sleep 1000'\n"],
      ['expect', 'sleeping\n'],
      ['send', CTRL_C],
      ['expect', PROMPT],
      ['send', 'echo status=$?\n'],
      ['expect', 'status=130\n'],
      ['expect', PROMPT],
      // Counts every SIGINT the foreground job gets until a line arrives after the one Ctrl-C.
      ['send', "sh -c 'n=0; trap \"n=\\$((n+1))\" INT; echo ready; while ! read -r line; do :; done; echo ints=$n'\n"],
      ['expect', 'ready\n'],
      ['send', CTRL_C],
      ['send', 'go\n'],
      ['expect', 'ints=\\d+\n'],
      ['expect', PROMPT],
      ['send', CTRL_D],
    ], ['run', '-it', '--rm', '--runtime', runtime, IMAGES.busybox, 'sh']);
    expect(session.failed, session.output).toBeNull();
    expect(session.output).toContain('ints=1\n');
    expect(session.status, session.output).toBe(0);
    expect(session.cooked).toBe(true);
    expect(fx.containers().filter((entry) => entry !== 'names')).toEqual([]);
  }, 300_000);

  it("exits with the shell's status and passes typed input through raw", async () => {
    const session = await tsbuildOnPty([
      ['expect', 'type:'],
      ['send', 'abc\u007fd\n'], // DEL erases in the container's line discipline, not tsbuild's
      ['expect', 'got=abd\n'],
    ], ['run', '-it', '--rm', '--runtime', runtime, IMAGES.busybox, 'sh', '-c', 'printf type:; read -r x; echo got=$x; exit 3']);
    expect(session.failed, session.output).toBeNull();
    expect(session.status).toBe(3);
    expect(session.cooked).toBe(true);
  }, 300_000);

  it('-t alone: a terminal with the caller\'s size, output through it, no input attached', async () => {
    const session = await tsbuildOnPty([['expect', 'done\n']],
      ['run', '-t', '--rm', '--runtime', runtime, IMAGES.busybox, 'sh', '-c', 'tty; stty size; echo fds: $(ls /proc/self/fd); echo done']);
    expect(session.failed, session.output).toBeNull();
    // Nothing of tsbuild's reaches the command: stdio is the new terminal, no other fd (3 is ls's own).
    expect(session.output).toContain('/dev/pts/0\n24 80\nfds: 0 1 2 3\ndone\n');
    expect(session.status).toBe(0);
  }, 300_000);

  it('-t without a terminal on tsbuild\'s side still gives the container one', async () => {
    const result = await fx.tsbuild(['run', '-t', '--rm', '--runtime', runtime, IMAGES.busybox, 'sh', '-c', 'tty; echo out; echo err >&2']);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ status: 0, stdout: '/dev/pts/0\r\nout\r\nerr\r\n' });
  }, 300_000);
});
