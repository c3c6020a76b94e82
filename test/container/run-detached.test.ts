// `run -d` and the container commands around it, end to end through the built CLI: `ps [-a]`,
// `logs [-f]`, `stop`, `rm [-f]`, `container prune`, names freed on removal, and a supervisor
// killed with SIGKILL leaving an exited container, never one stuck in "running".
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, IMAGES, makeRunFixture, type RunFixture, until } from '../container/fixture.js';

let fx: RunFixture;
beforeAll(async () => {
  fx = await makeRunFixture();
}, 120_000);
afterAll(async () => {
  // Whatever a failed test left running.
  await fx.tsbuild(['rm', '-f', ...(await fx.tsbuild(['ps', '-aq'])).stdout.split('\n').filter(Boolean)]);
  rmSync(fx.work, { recursive: true, force: true });
});

const FOREVER = 'while :; do sleep 1; done';

async function detach(args: string[]): Promise<string> {
  const result = await fx.tsbuild(['run', '-d', ...args]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  return result.stdout.trim();
}

/** `ps` rows as NAMES -> STATUS. */
async function ps(all = false): Promise<Map<string, string>> {
  const result = await fx.tsbuild(['ps', ...(all ? ['-a'] : [])]);
  expect(result.status, result.stderr).toBe(0);
  const [header = '', ...rows] = result.stdout.trimEnd().split('\n');
  expect(header).toMatch(/^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$/);
  const status = header.indexOf('STATUS');
  const names = header.indexOf('NAMES');
  return new Map(rows.map((row) => [row.slice(names).trim(), row.slice(status, header.indexOf('PORTS')).trim()]));
}


describe('tsbuild run -d', () => {
  it('runs in the background: ps shows it, logs has its output, stop ends it, rm removes it and frees the name', async () => {
    const id = await detach(['--name', 'web', IMAGES.busybox, 'sh', '-c', `echo to-stdout; echo to-stderr >&2; ${FOREVER}`]);
    expect((await ps()).get('web')).toMatch(/^Up /);
    const logs = await until('the output in the log', async () => {
      const r = await fx.tsbuild(['logs', 'web']);
      return r.stdout.includes('to-stdout') && r.stderr.includes('to-stderr') ? r : undefined;
    });
    expect(logs).toMatchObject({ status: 0, stdout: 'to-stdout\n', stderr: 'to-stderr\n' });
    expect(await fx.tsbuild(['stop', 'web'])).toMatchObject({ status: 0, stdout: 'web\n' });
    expect((await ps()).has('web')).toBe(false);
    expect((await ps(true)).get('web')).toMatch(/^Exited \(143\) /); // SIGTERM, as docker stop reports it
    expect((await fx.tsbuild(['logs', id.slice(0, 12)])).stdout).toBe('to-stdout\n'); // by ID prefix, after the exit
    expect(await fx.tsbuild(['rm', 'web'])).toMatchObject({ status: 0, stdout: 'web\n' });
    expect((await ps(true)).has('web')).toBe(false);
    expect(fx.containers()).not.toContain(id);
    const again = await detach(['--name', 'web', IMAGES.busybox, 'true']); // the name is free again
    await until('the second container to exit', async () => ((await ps(true)).get('web')?.startsWith('Exited (0)') ? true : undefined));
    expect(await fx.tsbuild(['rm', again])).toMatchObject({ status: 0 });
  }, 300_000);

  it('rm refuses a running container; rm -f kills and removes it', async () => {
    const id = await detach(['--name', 'busy', IMAGES.busybox, 'sh', '-c', FOREVER]);
    const refused = await fx.tsbuild(['rm', 'busy']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/container busy is running: stop it first, or remove it with -f/);
    expect((await ps()).get('busy')).toMatch(/^Up /);
    expect(await fx.tsbuild(['rm', '-f', 'busy'])).toMatchObject({ status: 0, stdout: 'busy\n' });
    expect((await ps(true)).has('busy')).toBe(false);
    expect(fx.containers()).not.toContain(id);
  }, 300_000);

  it('stop -t kills a container that ignores its stop signal once the time is up', async () => {
    const shared = join(fx.work, 'stubborn');
    mkdirSync(shared);
    // Its own stop timeout is long: only stop -t can end it within the test.
    await detach(['--name', 'stubborn', '--stop-timeout', '600', '-v', `${shared}:/x`, IMAGES.busybox, 'sh', '-c', `trap "" TERM; echo > /x/armed; ${FOREVER}`]);
    await until('the trap to be set', async () => (readIfExists(join(shared, 'armed')) ? true : undefined));
    expect(await fx.tsbuild(['stop', '-t', '1', 'stubborn'])).toMatchObject({ status: 0, stdout: 'stubborn\n' });
    expect((await ps(true)).get('stubborn')).toMatch(/^Exited \(137\) /);
    expect(await fx.tsbuild(['rm', 'stubborn'])).toMatchObject({ status: 0 });
  }, 300_000);

  it('logs -f follows the output until the container exits', async () => {
    const shared = join(fx.work, 'follow');
    mkdirSync(shared);
    const id = await detach(['-v', `${shared}:/x`, IMAGES.busybox, 'sh', '-c', 'echo first; while [ ! -e /x/go ]; do sleep 0.2; done; echo last']);
    const follower = fx.start(['logs', '-f', id]);
    let seen = '';
    follower.stdout?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    const done = collect(follower);
    await until('the first line through logs -f', async () => (seen.includes('first\n') ? true : undefined));
    writeFileSync(join(shared, 'go'), '');
    expect(await done).toMatchObject({ status: 0 });
    expect(seen).toBe('first\nlast\n');
  }, 300_000);

  it('a supervisor killed with SIGKILL leaves the container exited (137), with its sandbox gone', async () => {
    const shared = join(fx.work, 'killed');
    mkdirSync(shared);
    const id = await detach(['--name', 'orphan', '-v', `${shared}:/x`, IMAGES.busybox, 'sh', '-c', `echo $$ > /x/started; ${FOREVER} # orphan-marker`]);
    await until('the container to start', async () => (readIfExists(join(shared, 'started')) ? true : undefined));
    const state = JSON.parse(readFileSync(join(fx.root, 'containers', id, 'state.json'), 'utf8')) as { pid: number };
    process.kill(state.pid, 'SIGKILL');
    await until('the container to show as exited', async () => ((await ps(true)).get('orphan')?.startsWith('Exited (137)') ? true : undefined));
    expect((await ps()).has('orphan')).toBe(false);
    // The sandbox died with its supervisor: no process of the container is left on the host.
    await until('the container\'s processes to be gone', async () => (processesWith('orphan-marker').length === 0 ? true : undefined));
    expect(await fx.tsbuild(['rm', 'orphan'])).toMatchObject({ status: 0 });
    expect((await ps(true)).has('orphan')).toBe(false);
  }, 300_000);

  it('cache du counts the stopped containers; container prune removes them and keeps the running one', async () => {
    await detach(['--name', 'done-1', IMAGES.busybox, 'true']);
    await detach(['--name', 'done-2', IMAGES.busybox, 'sh', '-c', 'exit 3']);
    const running = await detach(['--name', 'keeps', IMAGES.busybox, 'sh', '-c', FOREVER]);
    await until('both to exit', async () => {
      const all = await ps(true);
      return all.get('done-1')?.startsWith('Exited (0)') && all.get('done-2')?.startsWith('Exited (3)') ? true : undefined;
    });
    const usage = await fx.tsbuild(['cache', 'du', '--format', 'json']);
    const containers = (JSON.parse(usage.stdout) as { containers?: { stopped: number; running: number; bytes: number } }).containers;
    expect(containers?.stopped).toBeGreaterThanOrEqual(2);
    expect(containers?.running).toBe(1);
    expect(containers?.bytes).toBeGreaterThan(0);
    expect((await fx.tsbuild(['cache', 'du'])).stdout).toMatch(/^containers +\d+ stopped, 1 running +\d/m);
    const pruned = await fx.tsbuild(['container', 'prune']);
    expect(pruned.status, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/^Deleted Containers:\n(?:[0-9a-f]{64}\n){2,}\nTotal reclaimed space: \d/);
    expect([...(await ps(true)).keys()]).toEqual(['keeps']);
    await detach(['--name', 'done-1', IMAGES.busybox, 'true']); // its name was freed
    expect(await fx.tsbuild(['rm', '-f', running, 'done-1'])).toMatchObject({ status: 0 });
  }, 300_000);

  it('reports why a detached container could not start, with status 125', async () => {
    const result = await fx.tsbuild(['run', '-d', '--pull', 'never', 'not/here:1', 'true']);
    expect(result.status).toBe(125);
    expect(result.stderr).toMatch(/not\/here:1/);
    expect(result.stdout).toBe('');
  }, 300_000);
});

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8') || undefined;
  } catch {
    return undefined;
  }
}

/** Pids of host processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  }).map(Number);
}
