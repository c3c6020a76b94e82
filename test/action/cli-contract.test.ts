// Contract with the real CLI: the argv the action builds is parsed by `tsbuild build`'s own
// flag definitions into the intended BuildOptions (the build itself is not run).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildArgv } from '../../src/action/argv.js';
import { readInputs } from '../../src/action/inputs.js';
import { register, toOptions } from '../../src/cli/commands/build.js';
import type { BuildOptions } from '../../src/executor/options.js';

async function parseWithCli(argv: string[]): Promise<BuildOptions> {
  const program = new Command('tsbuild').exitOverride();
  let options: BuildOptions | undefined;
  register(program)
    .exitOverride()
    .action((context: string, flags: Parameters<typeof toOptions>[1]) => {
      options = toOptions(context, flags);
    });
  await program.parseAsync(argv, { from: 'user' });
  if (!options) throw new Error('the build command did not run');
  return options;
}

describe('action argv through the CLI parser', () => {
  it('arrives as the intended build options', async () => {
    const inputs = readInputs({
      INPUT_CONTEXT: 'app',
      INPUT_FILE: 'app/Dockerfile.prod',
      INPUT_TAGS: 'r.example/a:1,r.example/a:2',
      'INPUT_BUILD-ARGS': 'LIST=a,b\nDASH=-x',
      INPUT_LABELS: 'team=core',
      INPUT_PLATFORMS: 'linux/amd64,linux/arm64',
      INPUT_TARGET: 'final',
      INPUT_OUTPUTS: 'type=oci,dest=/tmp/o.tar',
      INPUT_PUSH: 'true',
      'INPUT_NO-CACHE': 'true',
      INPUT_NETWORK: 'none',
    });
    const argv = buildArgv(inputs, {
      metadataFile: '/w/metadata.json',
      iidFile: '/w/iid',
      secretMounts: [{ id: 'tok', src: '/w/secrets,odd/0' }],
    });
    expect(await parseWithCli(argv)).toMatchObject({
      context: 'app',
      dockerfile: 'app/Dockerfile.prod',
      tags: ['r.example/a:1', 'r.example/a:2'],
      buildArgs: { LIST: 'a,b', DASH: '-x' },
      labels: { team: 'core' },
      platforms: ['linux/amd64', 'linux/arm64'],
      target: 'final',
      outputs: [
        { type: 'oci', dest: '/tmp/o.tar', tar: true },
        { type: 'image', push: true },
      ],
      noCache: true,
      network: 'none',
      secrets: [{ id: 'tok', src: '/w/secrets,odd/0' }],
      metadataFile: '/w/metadata.json',
      iidFile: '/w/iid',
    });
  });
});

describe('attestation inputs through the CLI parser', () => {
  const run = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '2' };
  const files = { metadataFile: '/w/metadata.json', iidFile: '/w/iid', secretMounts: [] };
  const builderId = 'https://github.com/o/r/actions/runs/7/attempts/2';

  it('a push gets mode=min provenance by default, naming the workflow run as builder (build-push-action v6)', async () => {
    const options = await parseWithCli(buildArgv(readInputs({ ...run, INPUT_TAGS: 'r/a:1', INPUT_PUSH: 'true' }), files));
    expect(options.attestations).toEqual([{ type: 'provenance', mode: 'min', version: 'v1', builderId }]);
  });

  it('no push, no provenance unless asked', async () => {
    expect((await parseWithCli(buildArgv(readInputs({ ...run, INPUT_TAGS: 'r/a:1' }), files))).attestations).toBeUndefined();
  });

  it('provenance, sbom and attests inputs become the requests; provenance: false turns the default off', async () => {
    const asked = await parseWithCli(buildArgv(readInputs({ ...run, INPUT_PUSH: 'true', INPUT_PROVENANCE: 'mode=max,version=v0.2', INPUT_SBOM: 'true' }), files));
    expect(asked.attestations).toEqual([{ type: 'provenance', mode: 'max', version: 'v0.2', builderId }, { type: 'sbom' }]);
    const off = await parseWithCli(buildArgv(readInputs({ ...run, INPUT_PUSH: 'true', INPUT_PROVENANCE: 'false' }), files));
    expect(off.attestations).toBeUndefined();
    const attests = await parseWithCli(buildArgv(readInputs({ ...run, INPUT_PUSH: 'true', INPUT_ATTESTS: 'type=provenance,mode=max\ntype=sbom' }), files));
    expect(attests.attestations).toEqual([{ type: 'provenance', mode: 'max', version: 'v1', builderId }, { type: 'sbom' }]);
  });
});

describe('annotations input through the CLI parser', () => {
  it('each line is an --annotation, with its levels and platform', async () => {
    const inputs = readInputs({ INPUT_ANNOTATIONS: 'index:org.opencontainers.image.title=a,b\nmanifest[linux/arm64]:k=v' });
    const options = await parseWithCli(buildArgv(inputs, { metadataFile: '/w/metadata.json', iidFile: '/w/iid', secretMounts: [] }));
    expect(options.annotations).toEqual([
      { level: 'index', key: 'org.opencontainers.image.title', value: 'a,b' },
      { level: 'manifest', key: 'k', value: 'v', platform: 'linux/arm64' },
    ]);
  });

  it('a malformed annotation fails when the inputs are read', () => {
    expect(() => readInputs({ INPUT_ANNOTATIONS: 'layer:k=v' })).toThrow(/unknown type "layer"/);
  });
});

describe('build-push-action v6 inputs', () => {
  it('allow, build-contexts and secret-envs arrive as build options', async () => {
    const inputs = readInputs({
      INPUT_CONTEXT: 'app',
      INPUT_ALLOW: 'network.host',
      'INPUT_BUILD-CONTEXTS': 'base=docker-image://busybox:1.36\ntools=docker-image://alpine:3',
      'INPUT_SECRET-ENVS': 'TOKEN=GH_TOKEN',
    });
    const argv = buildArgv(inputs, { metadataFile: '/w/metadata.json', iidFile: '/w/iid', secretMounts: [] });
    expect(await parseWithCli(argv)).toMatchObject({
      allow: ['network.host'],
      buildContexts: { base: { image: 'busybox:1.36' }, tools: { image: 'alpine:3' } },
      secrets: [{ id: 'TOKEN', env: 'GH_TOKEN' }],
    });
  });

  it('action.yml declares every input the action reads, and no other', () => {
    const yml = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8');
    const declared = [...yml.slice(yml.indexOf('\ninputs:\n'), yml.indexOf('\noutputs:\n')).matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]).sort();
    const read = new Set<string>();
    const recording = new Proxy({}, { get: (_, name) => (typeof name === 'string' && name.startsWith('INPUT_') && read.add(name.slice(6).toLowerCase()), undefined) });
    readInputs(recording as NodeJS.ProcessEnv);
    expect([...read].sort()).toEqual(declared);
  });
});
