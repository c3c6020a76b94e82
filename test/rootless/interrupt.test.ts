// Ctrl-C of a rootless build: the signal reaches tsbuild inside the user namespace through the
// re-executing parent, the build stops with status 130 and leaves no process or scratch snapshot.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesMatching, uniqueSleepSeconds } from '../helpers/leftovers.js';
import { cliPath, ensureUnprivilegedUser, userSession } from '../helpers/unprivileged-user.js';
import { saveBusyboxBase, userContext } from './fixture.js';

describe('rootless interruption', () => {
  it('SIGINT to tsbuild stops the build in the namespace with status 130 and cleans up', async () => {
    const user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
    const session = userSession(user, 'interrupt');
    expect(session.tsbuild(['load', '-i', await saveBusyboxBase()]).status).toBe(0);
    const sleep = `sleep ${uniqueSleepSeconds(60)}`;
    const context = userContext(session, 'ctx', { Dockerfile: `FROM base:1\nRUN echo started && ${sleep}\n` });
    // setpriv execs node: the pid is the outer tsbuild's, the one a terminal or CI would signal.
    const child = spawn('/usr/bin/setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--',
      process.execPath, '--', cliPath, 'build', '--progress', 'plain', context], { env: session.env, cwd: session.home, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/#\d+ \d+\.\d started/.test(output)) resolve();
      });
    });
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(status, output).toBe(130);
    expect(processesMatching(sleep)).toEqual([]);
    const snapshots = join(session.home, '.local/share/tsbuild/snapshots');
    expect(readdirSync(snapshots).filter((name) => name.startsWith('tmp-'))).toEqual([]);
  });

  it('SIGKILL of the outer tsbuild stops the one in the namespace too', async () => {
    const user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
    const session = userSession(user, 'killed');
    expect(session.tsbuild(['load', '-i', await saveBusyboxBase()]).status).toBe(0);
    const sleep = `sleep ${uniqueSleepSeconds(60)}`;
    const context = userContext(session, 'ctx', { Dockerfile: `FROM base:1\nRUN echo started && ${sleep}\n` });
    const child = spawn('/usr/bin/setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--',
      process.execPath, '--', cliPath, 'build', '--progress', 'plain', context], { env: session.env, cwd: session.home, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/#\d+ \d+\.\d started/.test(output)) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    let left = processesMatching(sleep);
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = processesMatching(sleep);
    }
    expect(left, output).toEqual([]);
  });
});
