// The helper's stdio relay (a process outside the sandbox that copies between Node's socket stdio
// and the command's pipes) drops every fd it does not relay. It did so with one close() per
// possible fd number, 65,536 system calls (~50 ms of CPU) on every RUN; close_range does it in a
// few. Counted with strace around the real helper.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { helperPath, selectBackend } from '../../src/runtime-shim/index.js';
import { makeFixture, runCaptured, sh, type Fixture } from './fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(() => {
  vi.unstubAllEnvs();
  fx.cleanup();
});

describe('the builtin helper stdio relay', () => {
  it('relays the output and closes the fds it does not need with a few system calls', async () => {
    const trace = join(fx.base, 'close.trace');
    const wrapper = join(fx.base, 'traced-helper');
    writeFileSync(wrapper, `#!/bin/sh\nexec strace -f -qq -e trace=close,close_range -o ${trace} ${helperPath()} "$@"\n`);
    chmodSync(wrapper, 0o755);
    vi.stubEnv('TSBUILD_SANDBOX_HELPER', wrapper);
    const result = await runCaptured(selectBackend('builtin'), fx.spec(sh('echo relayed; echo also >&2')));
    expect(result).toMatchObject({ exitCode: 0, stdout: 'relayed\n', stderr: 'also\n' });
    const closes = readFileSync(trace, 'utf8').split('\n').filter((line) => /\bclose(_range)?\(/.test(line));
    expect(closes.length).toBeGreaterThan(0);
    expect(closes.length).toBeLessThan(500);
  }, 60_000);
});
