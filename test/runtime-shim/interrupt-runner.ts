// Child process for interrupt.test.ts: runs `sleep MARKER` in a sandbox the way the CLI would,
// aborting on SIGINT/SIGTERM. Prints "started" once the command runs and "pid <n>" first. A third
// argument `tty` gives the command a terminal.
import { selectBackend } from '../../src/runtime-shim/index.js';
import { makeFixture, sh } from './fixture.js';

const [backendName, marker, stdio] = process.argv.slice(2) as ['builtin' | 'runc', string, 'tty' | undefined];
const fx = await makeFixture();
const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => controller.abort());
try {
  await selectBackend(backendName).run(fx.spec(sh(`echo started; exec sleep ${marker}`), stdio ? { stdio } : {}), {
    signal: controller.signal,
    onStdout: (c) => process.stdout.write(c),
  });
  process.stdout.write('finished\n');
} catch (err) {
  process.stdout.write(`error ${(err as { code?: string }).code}\n`);
} finally {
  fx.cleanup();
}
