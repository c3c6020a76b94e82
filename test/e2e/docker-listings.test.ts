// `images`, `history` and `inspect` compared with a real Docker engine's on the same images:
// tsbuild saves them in docker's format, `docker load` reads them, and every flag, filter and
// `--format` template must print what docker prints. SIZE is left out: docker counts the unpacked
// layers, tsbuild the stored (compressed) blobs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { startDockerd, type TestDockerd } from '../helpers/dockerd.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
let work: string;
let env: NodeJS.ProcessEnv;
let dockerd: TestDockerd;

function tsbuild(args: string[], epoch?: number): string {
  const result = spawnSync(process.execPath, [cli, ...args], {
    env: { ...env, ...(epoch ? { SOURCE_DATE_EPOCH: String(epoch) } : {}) }, encoding: 'utf8', maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`tsbuild ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), 'tsbuild-docker-listings-'));
  env = { ...process.env, TSBUILD_ROOT: join(work, 'root'), CI: '' };
  dockerd = await startDockerd();
  await makeBusyboxRootfs(join(work, 'rootfs'));
  // Fixed creation times (two different ones) so CREATED and the order are the same whenever the test runs.
  tsbuild(['import', '--change', 'LABEL team=x', join(work, 'rootfs'), 'demo/app:1'], 1_600_000_000);
  tsbuild(['tag', 'demo/app:1', 'demo/app:latest']);
  const context = join(work, 'ctx');
  mkdirSync(context);
  writeFileSync(join(context, 'f'), 'hi\n');
  writeFileSync(join(context, 'Dockerfile'), [
    'FROM demo/app:1', `ENV LONG_VALUE=${'a'.repeat(60)}`, 'COPY f /f', 'LABEL team=y', 'CMD ["sh"]', '',
  ].join('\n'));
  tsbuild(['build', '-q', '-t', 'demo/new:1', context], 1_700_000_000);
  const archive = execFileSync(process.execPath, [cli, 'save', '--format', 'docker', 'demo/app:1', 'demo/app:latest', 'demo/new:1'], { env, maxBuffer: 1 << 28 });
  dockerd.docker(['load'], archive);
}, 300_000);

afterAll(async () => {
  await dockerd?.stop();
});

/** Each line without its last column (SIZE in `images`' table). */
const withoutLastColumn = (text: string) => text.split('\n').map((line) => line.replace(/\s+\S+$/, ''));

describe('tsbuild images, as docker images', () => {
  it('prints the same table, SIZE aside', () => {
    const ours = tsbuild(['images']);
    expect(ours.split('\n')[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(withoutLastColumn(ours)).toEqual(withoutLastColumn(dockerd.docker(['images'])));
  });

  it.each([
    [['-q']], [['-q', '--no-trunc']], [['-a', '-q']], [['demo/app', '-q']], [['-q', '--filter', 'reference=demo/*:1']],
    [['-q', '--filter', 'reference=demo/app']], [['-q', '--filter', 'dangling=false']], [['-q', '--filter', 'dangling=true']],
    [['-q', '--filter', 'label=team=y']], [['-q', '--filter', 'label=team']], [['-q', '--filter', 'before=demo/new:1']],
    [['-q', '--filter', 'since=demo/app:1']], [['--format', '{{.Repository}}:{{.Tag}}\\t{{.ID}} {{.CreatedSince}}']],
    [['--no-trunc', '--format', 'table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedAt}}']], [['--format', '{{json .Repository}} {{.Containers}}']],
  ])('%j prints what docker prints', (args) => {
    expect(tsbuild(['images', ...args])).toBe(dockerd.docker(['images', ...args]));
  });

  it('{{json .}} has docker\'s fields', () => {
    const parse = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    const ours = parse(tsbuild(['images', '--format', '{{json .}}']));
    const theirs = parse(dockerd.docker(['images', '--format', '{{json .}}']));
    const comparable = (row: Record<string, string>) => ({ ...row, Size: '', VirtualSize: '', Digest: '' });
    expect(ours.map(comparable)).toEqual(theirs.map(comparable));
  });

  it('refuses an unknown filter or field clearly', () => {
    const filter = spawnSync(process.execPath, [cli, 'images', '--filter', 'colour=red'], { env, encoding: 'utf8' });
    expect(filter.status).toBe(2);
    expect(filter.stderr).toMatch(/^error: invalid filter 'colour'/);
    const field = spawnSync(process.execPath, [cli, 'images', '--format', '{{.Colour}}'], { env, encoding: 'utf8' });
    expect(field.status).toBe(2);
    expect(field.stderr).toMatch(/can't evaluate field Colour/);
  });
});

describe('tsbuild history, as docker history', () => {
  it.each([
    [['--format', 'table {{.ID}}\\t{{.CreatedSince}}\\t{{.CreatedBy}}\\t{{.Comment}}']],
    [['--no-trunc', '--format', 'table {{.ID}}\\t{{.CreatedSince}}\\t{{.CreatedBy}}\\t{{.Comment}}']],
    [['-H=false', '--format', '{{.ID}} {{.CreatedAt}} {{.CreatedSince}}']], [['-q']], [['-q', '--no-trunc']],
  ])('%j prints what docker prints', (args) => {
    expect(tsbuild(['history', ...args, 'demo/new:1'])).toBe(dockerd.docker(['history', ...args, 'demo/new:1']));
  });

  it('has docker\'s columns, with and without -H', () => {
    const titles = (text: string) => text.split('\n')[0]!.split(/\s{2,}/);
    for (const args of [[], ['-H=false']]) {
      expect(titles(tsbuild(['history', ...args, 'demo/new:1']))).toEqual(titles(dockerd.docker(['history', ...args, 'demo/new:1'])));
    }
  });
});

describe('tsbuild inspect, as docker image inspect', () => {
  it('has docker\'s shape and values', () => {
    const [ours] = JSON.parse(tsbuild(['inspect', 'demo/new:1'])) as Record<string, unknown>[];
    const [theirs] = JSON.parse(dockerd.docker(['image', 'inspect', 'demo/new:1'])) as Record<string, unknown>[];
    for (const key of ['Id', 'RepoTags', 'Parent', 'Comment', 'Created', 'Author', 'Architecture', 'Os', 'RootFS']) {
      expect(ours![key], key).toEqual(theirs![key]);
    }
    expect(Object.keys(ours!)).toEqual(expect.arrayContaining(['RepoDigests', 'Config', 'Size', 'Metadata']));
    const template = '{{.Id}} {{.RepoTags}} {{.Os}}/{{.Architecture}} {{json .RootFS}} {{.Config.Cmd}} {{json .Config.Labels}} {{.Config.Env}}';
    expect(tsbuild(['inspect', '--format', template, 'demo/new:1'])).toBe(dockerd.docker(['inspect', '--format', template, 'demo/new:1']));
    const both = '{{.Id}} {{.RepoTags}} {{json .Config}} {{.Created}}';
    expect(tsbuild(['inspect', '--format', both, 'demo/new:1', 'demo/app:1'])).toBe(dockerd.docker(['inspect', '--format', both, 'demo/new:1', 'demo/app:1']));
    const missing = spawnSync(process.execPath, [cli, 'inspect', '--format', '{{.Nope}}', 'demo/app:1'], { env, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('map has no entry for key "Nope"');
    expect(() => dockerd.docker(['inspect', '--format', '{{.Nope}}', 'demo/app:1'])).toThrow(/map has no entry for key "Nope"/);
    const loop = '{{range .RepoTags}}{{.}},{{end}}{{if .Config.Labels}}labelled{{else}}bare{{end}}';
    expect(tsbuild(['inspect', '-f', loop, 'demo/app:1'])).toBe(dockerd.docker(['inspect', '-f', loop, 'demo/app:1']));
  });
});
