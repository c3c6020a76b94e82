// runContainer as the Node API uses it: output callbacks, stdin bytes, events, stopping through an AbortSignal.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runContainer, type RunContainerOptions, type RunEvent } from '../../src/container/run-container.js';
import { IMAGES, makeRunFixture, type RunFixture } from '../container/fixture.js';

let fx: RunFixture;

beforeAll(async () => {
  fx = await makeRunFixture();
});
afterAll(async () => {
  if (fx) await rm(fx.work, { recursive: true, force: true });
});

async function run(options: Omit<RunContainerOptions, 'root'>, onOutput?: (text: string) => void) {
  let stdout = '';
  let stderr = '';
  const result = await runContainer({
    root: fx.root,
    rm: true,
    ...options,
    onStdout: (chunk) => {
      stdout += chunk.toString();
      onOutput?.(stdout);
    },
    onStderr: (chunk) => (stderr += chunk.toString()),
  });
  return { ...result, stdout, stderr };
}

const TRAPS = 'trap "echo got INT; exit 5" INT; trap "echo got TERM; exit 6" TERM; echo ready; while :; do sleep 0.1; done';

describe('runContainer (Node API)', () => {
  it('resolves with the exit code and the container ID; output goes to the callbacks', async () => {
    const result = await run({ image: IMAGES.busybox, command: ['sh', '-c', 'echo out; echo err >&2; exit 4'] });
    expect(result).toMatchObject({ exitCode: 4, stdout: 'out\n', stderr: 'err\n' });
    expect(result.containerId).toMatch(/^[0-9a-f]{64}$/);
    expect(fx.containers()).toEqual([]);
  });

  it('feeds `stdin` bytes to the command', async () => {
    expect((await run({ image: IMAGES.busybox, command: ['cat'], stdin: 'bytes in\n' })).stdout).toBe('bytes in\n');
  });

  it('aborting sends the image StopSignal, or the signal named by the abort reason', async () => {
    for (const [reason, exitCode, line] of [[undefined, 5, 'got INT'], ['SIGTERM', 6, 'got TERM']] as const) {
      const controller = new AbortController();
      const result = await run({ image: IMAGES.user, command: ['sh', '-c', TRAPS], signal: controller.signal }, (text) => {
        if (text.includes('ready')) controller.abort(reason);
      });
      expect(result.exitCode).toBe(exitCode);
      expect(result.stdout).toContain(line);
    }
  });

  it('refuses an already-aborted signal before doing anything', async () => {
    await expect(run({ image: IMAGES.busybox, command: ['true'], signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('reports a warning event for an image of another platform', async () => {
    const events: RunEvent[] = [];
    const { writeImage } = await import('../../src/oci/image.js');
    const { LocalImages } = await import('../../src/oci/local-images.js');
    const images = await LocalImages.open(fx.root);
    const base = await images.resolve(IMAGES.busybox);
    const other = base.config.architecture === 's390x' ? 'riscv64' : 's390x';
    await images.names.set('test/foreign:1', await writeImage(images.store, { config: { ...base.config, architecture: other }, layers: base.manifest.layers }));
    await run({ image: 'test/foreign:1', command: ['true'], onEvent: (e) => events.push(e) }).catch(() => undefined);
    expect(events).toContainEqual({ kind: 'warning', message: expect.stringMatching(new RegExp(`platform \\(linux/${other}\\) does not match the detected host platform`)) });
  });
});
