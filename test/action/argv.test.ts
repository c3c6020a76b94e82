// buildArgv: the action's inputs as `tsbuild build` arguments; secret flags as the CLI reads them.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildArgv, type RunFiles } from '../../src/action/argv.js';
import { readInputs } from '../../src/action/inputs.js';
import { secretFileMounts, secretFlag, splitSecretItem, writeSecretFiles } from '../../src/action/secrets.js';
import { parseSecretFlag } from '../../src/cli/build-flags.js';

const files: RunFiles = { metadataFile: '/t/metadata.json', iidFile: '/t/iid', secretMounts: [] };
const trailer = ['--metadata-file=/t/metadata.json', '--iidfile=/t/iid', '--progress=plain'];

describe('buildArgv', () => {
  it('builds the minimal command from defaults', () => {
    expect(buildArgv(readInputs({}), files)).toEqual(['build', ...trailer, '.']);
  });

  it('maps every input to its docker buildx flag', () => {
    const inputs = readInputs({
      INPUT_CONTEXT: 'app',
      INPUT_FILE: 'app/Containerfile',
      INPUT_TAGS: 'r/a:1\nr/a:2',
      'INPUT_BUILD-ARGS': 'A=1\nNEG=-x',
      INPUT_LABELS: 'l=1',
      INPUT_TARGET: 'final',
      INPUT_PLATFORMS: 'linux/amd64\nlinux/arm64',
      INPUT_OUTPUTS: 'type=oci,dest=out.tar',
      INPUT_PUSH: 'true',
      INPUT_LOAD: 'true',
      'INPUT_CACHE-FROM': 'type=registry,ref=r/a:cache',
      'INPUT_CACHE-TO': 'type=registry,ref=r/a:cache,mode=max',
      INPUT_SSH: 'default',
      'INPUT_NO-CACHE': 'true',
      'INPUT_NO-CACHE-FILTERS': 'build,test',
      INPUT_PULL: 'true',
      INPUT_NETWORK: 'none',
      INPUT_RUNTIME: 'runc',
    });
    const secretMounts = [{ id: 'tok', src: '/t/secrets/0' }];
    expect(buildArgv(inputs, { ...files, secretMounts })).toEqual([
      'build',
      '-f', 'app/Containerfile',
      '-t', 'r/a:1',
      '-t', 'r/a:2',
      '--build-arg=A=1',
      '--build-arg=NEG=-x',
      '--label=l=1',
      '--target=final',
      '--platform=linux/amd64,linux/arm64',
      '--output=type=oci,dest=out.tar',
      '--push',
      '--load',
      '--provenance=mode=min,inline-only=true',
      '--cache-from=type=registry,ref=r/a:cache',
      '--cache-to=type=registry,ref=r/a:cache,mode=max',
      '--secret=id=tok,src=/t/secrets/0',
      '--ssh=default',
      '--no-cache',
      '--no-cache-filter=build',
      '--no-cache-filter=test',
      '--pull',
      '--network=none',
      '--runtime=runc',
      ...trailer,
      'app',
    ]);
  });
});

describe('secrets', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('quotes fields so the CLI parser reads back odd paths and ids', () => {
    const mount = { id: 'a"b', src: '/tmp/x,y/"z"' };
    expect(parseSecretFlag(secretFlag(mount))).toEqual(mount);
    expect(secretFlag({ id: 'plain', src: '/p' })).toBe('id=plain,src=/p');
  });

  it('splits at the first = and never echoes a malformed item', () => {
    expect(splitSecretItem('TOKEN=a=b', 'secrets')).toEqual({ id: 'TOKEN', value: 'a=b' });
    expect(() => splitSecretItem('hunter2', 'secrets')).toThrow(/without an id/);
    expect(() => splitSecretItem('hunter2', 'secrets')).not.toThrow(/hunter2/);
    expect(() => splitSecretItem('TOKEN=', 'secrets')).toThrow(/id "TOKEN" is not of the form id=value/);
  });

  it('writes values to private files and checks secret-files exist', () => {
    dir = mkdtempSync(join(tmpdir(), 'action-secrets-'));
    const mounts = writeSecretFiles(['A=one', 'B=two\nlines'], join(dir, 'secrets'));
    expect(mounts.map((m) => m.id)).toEqual(['A', 'B']);
    expect(readFileSync(mounts[1].src, 'utf8')).toBe('two\nlines');
    expect(statSync(mounts[0].src).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    writeFileSync(join(dir, 'key'), 'k');
    expect(secretFileMounts([`key=${join(dir, 'key')}`])).toEqual([{ id: 'key', src: join(dir, 'key') }]);
    expect(() => secretFileMounts([`gone=${join(dir, 'missing')}`])).toThrow(/secret-files.*not found/);
  });
});

describe('buildArgv provenance', () => {
  it('provenance: true outside a workflow run (no builder id) still asks for provenance', () => {
    expect(buildArgv(readInputs({ INPUT_PROVENANCE: 'true' }), files)).toContain('--provenance=true');
  });
});
