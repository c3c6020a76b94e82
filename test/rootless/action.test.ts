// The GitHub Action's built entry point (dist/action/main.js) run as the runner runs it, by an
// ordinary user without sudo: `rootless: auto` builds in the user's own namespace and pushes to a
// real registry, and `rootless: false` refuses with what it needs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';
import { ensureUnprivilegedUser, userSession, type UnprivilegedUser, type UserSession } from '../helpers/unprivileged-user.js';
import { describeResult, saveBusyboxBase, userContext } from './fixture.js';

const actionEntry = fileURLToPath(new URL('../../dist/action/main.js', import.meta.url));

let user: UnprivilegedUser;
let base: string;
let registry: TestRegistry;

beforeAll(async () => {
  if (!existsSync(actionEntry)) throw new Error(`${actionEntry} is missing: run \`npm run build\` first`);
  user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
  base = await saveBusyboxBase();
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

/** The runner's files and INPUT_* variables, as it sets them for a `uses:` step. */
function runnerEnv(session: UserSession, inputs: Record<string, string>): NodeJS.ProcessEnv {
  const files = { GITHUB_OUTPUT: join(session.home, 'output'), GITHUB_STEP_SUMMARY: join(session.home, 'summary') };
  for (const file of Object.values(files)) {
    writeFileSync(file, '');
    chownSync(file, session.user.uid, session.user.gid);
  }
  const env: NodeJS.ProcessEnv = { ...files, RUNNER_TEMP: session.tmp, GITHUB_ACTIONS: 'true' };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

describe('the action as an ordinary user without sudo', () => {
  it('rootless auto: builds with a RUN step rootless and pushes to the registry', () => {
    const session = userSession(user, 'action');
    expect(session.exec('sudo', ['-n', 'true']).status, 'the test user must not have sudo').not.toBe(0);
    const loaded = session.tsbuild(['load', '-i', base]);
    expect(loaded.status, describeResult(loaded)).toBe(0);
    const context = userContext(session, 'app', { Dockerfile: 'FROM base:1\nRUN id -u > /built-by && echo rootless > /mode\n' });
    const ref = `${registry.host}/action/rootless:1`;
    const env = runnerEnv(session, { context, tags: ref, push: 'true', rootless: 'auto' });

    const result = session.exec(process.execPath, [actionEntry], { env, timeoutMs: 180_000 });
    expect(result.status, describeResult(result)).toBe(0);
    expect(result.stdout).not.toMatch(/\[command\]sudo/);
    const outputs = readFileSync(env.GITHUB_OUTPUT as string, 'utf8');
    const digest = /digest<<ghadelimiter_[0-9a-f-]+\n(sha256:[0-9a-f]{64})\n/.exec(outputs)?.[1];
    expect(digest, outputs).toBeDefined();

    // What the registry holds is what the action reported, and the RUN step ran as root of the namespace.
    const raw = execFileSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`]);
    expect(`sha256:${sha256(raw)}`).toBe(digest);
    const pulled = session.tsbuild(['run', '--rm', ref, 'cat', '/built-by', '/mode']);
    expect(pulled.status, describeResult(pulled)).toBe(0);
    expect(pulled.stdout).toBe('0\nrootless\n');
  });

  it('rootless false: refuses, naming root, sudo and the rootless input', () => {
    const session = userSession(user, 'action-false');
    const context = userContext(session, 'app', { Dockerfile: 'FROM base:1\n' });
    const env = runnerEnv(session, { context, rootless: 'false' });
    const result = session.exec(process.execPath, [actionEntry], { env });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/::error title=tsbuild::with "rootless: false" tsbuild needs root .* passwordless sudo .*rootless: auto/);
  });
});

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
