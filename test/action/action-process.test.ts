// Runs the action's entry point as the Actions runner does — a node process with INPUT_*
// variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files — against a fake CLI that records what
// it was given (test/action/fixtures/fake-cli.mjs), so no build engine is involved.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const entry = join(repo, 'src/action/main.ts');
const fakeCli = join(repo, 'test/action/fixtures/fake-cli.mjs');

interface Recorded {
  argv: string[];
  gitConfig: Record<string, string>;
  secrets: Array<{ src: string; content: string | null; mode: number | null }>;
  cacheService: Record<string, string | undefined>;
}

let dir = '';
let paths: Record<'runnerTemp' | 'output' | 'summary' | 'record', string>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'action-run-'));
  paths = { runnerTemp: join(dir, 'runner-temp'), output: join(dir, 'output'), summary: join(dir, 'summary'), record: join(dir, 'record.json') };
  mkdirSync(paths.runnerTemp);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runAction(inputs: Record<string, string>, extraEnv: Record<string, string> = {}, uid?: number) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    RUNNER_TEMP: paths.runnerTemp,
    GITHUB_OUTPUT: paths.output,
    GITHUB_STEP_SUMMARY: paths.summary,
    TSBUILD_ACTION_CLI: fakeCli,
    FAKE_CLI_RECORD: paths.record,
    ...extraEnv,
  };
  // What the runner does: `INPUT_` + name upper-cased, spaces to `_`, hyphens kept.
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return spawnSync(process.execPath, ['--import', 'tsx', entry], { cwd: repo, env, encoding: 'utf8', uid, gid: uid });
}

/** Parses GITHUB_OUTPUT strictly: only `name<<ghadelimiter_<uuid>` blocks, nothing else. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const block = /^([a-z-]+)<<(ghadelimiter_[0-9a-f-]{36})\n([\s\S]*?)\n\2\n/;
  let rest = text;
  while (rest.length > 0) {
    const match = block.exec(rest);
    if (!match) throw new Error(`not an output block: ${JSON.stringify(rest.slice(0, 80))}`);
    outputs[match[1]] = match[3];
    rest = rest.slice(match[0].length);
  }
  return outputs;
}

const recorded = () => JSON.parse(readFileSync(paths.record, 'utf8')) as Recorded;

describe('the action entry point', () => {
  it('builds the CLI argv, passes secrets as private temp files and writes outputs and summary', () => {
    const result = runAction({
      context: 'app',
      tags: 'r.example/a:1,r.example/a:2',
      'build-args': 'LIST=a,b',
      'cache-from': 'type=registry,ref=r.example/a:cache',
      'cache-to': 'type=registry,ref=r.example/a:cache,mode=max',
      secrets: 'TOKEN=s3cret\n"KEY=line1\nline2"',
      'secret-files': `CFG=${fakeCli}`,
      push: 'true',
      provenance: 'false',
    });
    expect(result.stderr).toContain('#3 DONE 1.5s'); // progress is passed through to the log
    expect(result.status).toBe(0);

    const { argv, secrets } = recorded();
    const work = /^--metadata-file=(.*)\/metadata\.json$/.exec(argv.find((a) => a.startsWith('--metadata-file=')) ?? '')?.[1];
    expect(work).toMatch(new RegExp(`^${paths.runnerTemp}/tsbuild-action-`));
    expect(argv).toEqual([
      'build', '-t', 'r.example/a:1', '-t', 'r.example/a:2', '--build-arg=LIST=a,b', '--push', '--provenance=false',
      '--cache-from=type=registry,ref=r.example/a:cache', '--cache-to=type=registry,ref=r.example/a:cache,mode=max',
      `--secret=id=TOKEN,src=${work}/secrets/0`, `--secret=id=KEY,src=${work}/secrets/1`, `--secret=id=CFG,src=${fakeCli}`,
      `--metadata-file=${work}/metadata.json`, `--iidfile=${work}/iid`, '--progress=plain', 'app',
    ]);
    expect(secrets.slice(0, 2)).toEqual([
      { flag: expect.any(String), src: `${work}/secrets/0`, content: 's3cret', mode: 0o600 },
      { flag: expect.any(String), src: `${work}/secrets/1`, content: 'line1\nline2', mode: 0o600 },
    ]);
    expect(readdirSync(paths.runnerTemp)).toEqual([]); // secret files and work dir removed

    const outputs = parseOutputs(readFileSync(paths.output, 'utf8'));
    expect(outputs.digest).toBe(`sha256:${'d'.repeat(64)}`);
    expect(outputs.imageid).toBe(`sha256:${'c'.repeat(64)}`);
    expect(outputs.metadata.split('\n').length).toBeGreaterThan(3);
    expect(JSON.parse(outputs.metadata)).toMatchObject({ 'image.name': 'r.example/a:1,r.example/a:2' });

    const summary = readFileSync(paths.summary, 'utf8');
    expect(summary).toContain('<code>r.example/a:1</code><br><code>r.example/a:2</code>');
    expect(summary).toContain(`| Digest | <code>sha256:${'d'.repeat(64)}</code> |`);
    expect(summary).toContain('| 3 | [stage-0 2/2] RUN echo a \\| tr a b &gt; /out | ✅ done | 1.5s |');
  });

  it('hands type=gha caches the runner\'s ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN, never on the command line', () => {
    const service = { ACTIONS_RESULTS_URL: 'https://results.example/', ACTIONS_RUNTIME_TOKEN: 'runtime-token' };
    const result = runAction({ 'cache-from': 'type=gha,scope=app', 'cache-to': 'type=gha,scope=app,mode=max' }, service);
    expect(result.status).toBe(0);
    const { argv, cacheService } = recorded();
    expect(argv).toContain('--cache-from=type=gha,scope=app');
    expect(argv).toContain('--cache-to=type=gha,scope=app,mode=max');
    expect(cacheService).toEqual(service);
    expect(argv.join(' ')).not.toContain('runtime-token');
  });

  it('propagates the CLI exit status, annotates the error and sets no outputs on failure', () => {
    // The workspace has no ./Dockerfile (the repository's own, in the cwd, is outside it): not placed.
    const result = runAction({ secrets: 'TOKEN=s3cret' }, { FAKE_CLI_EXIT: '3', GITHUB_WORKSPACE: dir });
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('::error title=tsbuild::./Dockerfile:3: RUN failed with exit status 1');
    expect(existsSync(paths.output)).toBe(false);
    expect(readFileSync(paths.summary, 'utf8')).toMatch(/❌ failed \(exit status 3\)[\s\S]*❌ failed: process/);
    expect(recorded().secrets[0].content).toBe('s3cret');
    expect(readdirSync(paths.runnerTemp)).toEqual([]);
  });

  it('a push gets provenance mode=min naming the workflow run, plus the sbom, attests and annotations inputs', () => {
    const run = { GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '11', GITHUB_RUN_ATTEMPT: '1' };
    const result = runAction({ tags: 'r.example/a:1', push: 'true', sbom: 'true', attests: 'type=sbom', annotations: 'index:k=v' }, run);
    expect(result.status).toBe(0);
    const { argv } = recorded();
    expect(argv).toContain('--provenance=mode=min,inline-only=true,builder-id=https://github.example/o/r/actions/runs/11/attempts/1');
    expect(argv).toEqual(expect.arrayContaining(['--attest=type=sbom', '--sbom=true', '--annotation=index:k=v']));
  });

  it("annotates the Dockerfile's line, relative to the workspace, when the build fails there", () => {
    const workspace = join(dir, 'workspace');
    mkdirSync(join(workspace, 'app'), { recursive: true });
    writeFileSync(join(workspace, 'app', 'Dockerfile'), 'FROM scratch\nCOPY a /a\nRUN false\n');
    const result = runAction({ context: join(workspace, 'app') }, { FAKE_CLI_EXIT: '1', GITHUB_WORKSPACE: workspace });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error file=app/Dockerfile,line=3,title=tsbuild::RUN failed with exit status 1\n');
  });

  it('a Dockerfile error of the real CLI lands on its line', () => {
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'Dockerfile'), 'FROM scratch\nCOPY a /a\nFROOM x\n');
    const cli = join(repo, 'dist/cli.js');
    const result = runAction({ context: workspace }, { TSBUILD_ACTION_CLI: cli, GITHUB_WORKSPACE: workspace, TSBUILD_ROOT: join(dir, 'root') });
    expect(result.status, result.stdout + result.stderr).toBe(3);
    expect(result.stdout).toMatch(/^::error file=Dockerfile,line=3,title=tsbuild::unknown instruction: FROOM/m);
  });

  it('passes the v6 inputs allow, build-contexts and secret-envs, and notes that builder is ignored', () => {
    const result = runAction({
      context: 'app',
      allow: 'network.host',
      'build-contexts': 'base=docker-image://busybox:1.36\nsrc=./src',
      'secret-envs': 'TOKEN=GH_TOKEN,"A,B=X"',
      builder: 'builder-1234',
    });
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toContain('::notice title=tsbuild::input "builder: builder-1234" is ignored: tsbuild builds without a BuildKit builder');
    const { argv } = recorded();
    expect(argv).toEqual(expect.arrayContaining([
      '--allow=network.host', '--build-context=base=docker-image://busybox:1.36', '--build-context=src=./src',
      '--secret=id=TOKEN,env=GH_TOKEN', '--secret="id=A,B",env=X',
    ]));
  });

  it.each([
    ['add-hosts', 'db:10.0.0.2', '--add-host=db:10.0.0.2'], ['shm-size', '2g', '--shm-size=2g'], ['ulimit', 'nofile=1024:1024', '--ulimit=nofile=1024:1024'],
    ['cgroup-parent', '/actions', '--cgroup-parent=/actions'], ['call', 'check', '--call=check'],
  ])('passes the input %s as its build flag', (input, value, flag) => {
    const result = runAction({ [input]: value });
    expect(result.status, result.stdout).toBe(0);
    expect(recorded().argv).toContain(flag);
  });

  it('github-token authenticates the fetch of a Git context on the GitHub server, and is given to no other host', () => {
    const basic = Buffer.from('x-access-token:ghs_token').toString('base64');
    expect(runAction({ context: 'https://github.com/o/r.git#main', 'github-token': 'ghs_token' }).status).toBe(0);
    expect(recorded().gitConfig).toEqual({
      GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader', GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
    });
    const enterprise = { GITHUB_SERVER_URL: 'https://ghe.example', GIT_CONFIG_COUNT: '2' };
    expect(runAction({ context: 'https://ghe.example/o/r.git', 'github-token': 'ghs_token' }, enterprise).status).toBe(0);
    expect(recorded().gitConfig).toMatchObject({ GIT_CONFIG_COUNT: '3', GIT_CONFIG_KEY_2: 'http.https://ghe.example/.extraheader' });
    for (const context of ['https://gitlab.example/o/r.git', 'https://github.com.evil.example/o/r.git', 'app']) {
      expect(runAction({ context, 'github-token': 'ghs_token' }).status).toBe(0);
      expect(JSON.stringify(recorded().gitConfig)).not.toContain(basic);
    }
  });

  it('rejects a malformed provenance input before running anything', () => {
    const result = runAction({ provenance: 'mode=everything', tags: 'a' });
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/::error title=tsbuild::.*mode must be min or max/);
    expect(existsSync(paths.record)).toBe(false);
  });

  it('rejects a malformed secret without printing its value', () => {
    const result = runAction({ secrets: 'just-the-value' });
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/input "secrets": an item without an id/);
    expect(result.stdout + result.stderr).not.toContain('just-the-value');
    expect(existsSync(paths.record)).toBe(false);
  });

  it('as a user without sudo, runs the CLI as that user (rootless: auto), or refuses (rootless: false)', () => {
    chmodSync(dir, 0o777);
    chmodSync(paths.runnerTemp, 0o777);
    const canRead = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(entry)})`], { uid: 65534, gid: 65534 });
    expect(canRead.status, 'this test needs the checkout to be readable by uid 65534 (nobody)').toBe(0);

    const refused = runAction({ tags: 'a', rootless: 'false' }, {}, 65534);
    expect(refused.stderr).toBe('');
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/"rootless: false" tsbuild needs root .* uid 65534 .*passwordless sudo/);
    expect(existsSync(paths.record)).toBe(false);

    const direct = runAction({ tags: 'a' }, {}, 65534);
    expect(direct.status, direct.stdout + direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(/^\[command\]\S*node -- \S*fake-cli\.mjs build /m);
    expect(recorded().argv).toContain('a');
  });

  it('rejects a rootless input that is not auto, true or false', () => {
    const result = runAction({ rootless: 'maybe' });
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/input "rootless" is "maybe"; use auto, true or false/);
  });
});
