// Ctrl-C of a rootless build: the signal reaches tsbuild inside the user namespace through the
// re-executing parent, the build stops with status 130 and leaves no process or scratch snapshot.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesMatching, uniqueSleepSeconds } from '../helpers/leftovers.js';
import { cliPath, ensureUnprivilegedUser, userSession } from '../helpers/unprivileged-user.js';
import { saveBusyboxBase, userContext } from './fixture.js';

/**
 * Starts a rootless build as the test user whose RUN sleeps for a minute, and resolves once the
 * RUN has started. setpriv execs node: the pid is the outer tsbuild's, the one a terminal or CI
 * would signal.
 */
async function startSleepingBuild(sessionName: string) {
  const user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
  const session = userSession(user, sessionName);
  expect(session.tsbuild(['load', '-i', await saveBusyboxBase()]).status).toBe(0);
  const sleep = `sleep ${uniqueSleepSeconds(60)}`;
  const context = userContext(session, 'ctx', { Dockerfile: `FROM base:1\nRUN echo started && ${sleep}\n` });
  const child = spawn('/usr/bin/setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--',
    process.execPath, '--', cliPath, 'build', '--progress', 'plain', context], { env: session.env, cwd: session.home, stdio: ['ignore', 'pipe', 'pipe'] });
  const build = { child, session, sleep, output: '' };
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      build.output += chunk.toString();
      if (/#\d+ \d+\.\d started/.test(build.output)) resolve();
    });
  });
  return build;
}

describe('rootless interruption', () => {
  it('SIGINT to tsbuild stops the build in the namespace with status 130 and cleans up', async () => {
    const build = await startSleepingBuild('interrupt');
    build.child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => build.child.on('exit', (code) => resolve(code)));
    expect(status, build.output).toBe(130);
    expect(processesMatching(build.sleep)).toEqual([]);
    const snapshots = join(build.session.home, '.local/share/tsbuild/snapshots');
    expect(readdirSync(snapshots).filter((name) => name.startsWith('tmp-'))).toEqual([]);
  });

  it('SIGKILL of the outer tsbuild stops the one in the namespace too', async () => {
    const build = await startSleepingBuild('killed');
    build.child.kill('SIGKILL');
    await new Promise((resolve) => build.child.on('exit', resolve));
    let left = processesMatching(build.sleep);
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = processesMatching(build.sleep);
    }
    expect(left, build.output).toEqual([]);
  });
});
