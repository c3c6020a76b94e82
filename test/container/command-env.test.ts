// Table tests of the pure parts of `tsbuild run`: ENTRYPOINT/CMD combination and the environment.
import { describe, expect, it } from 'vitest';
import type { ContainerConfig } from '../../src/spec/types.js';
import { containerCommand, type CommandOverrides } from '../../src/container/command-line.js';
import { containerEnv, parseEnvFile, parseEnvFlag } from '../../src/container/env.js';
import { DEFAULT_PATH } from '../../src/spec/default-path.js';

const both: ContainerConfig = { Entrypoint: ['/ep', 'a'], Cmd: ['c1', 'c2'] };
const cmdOnly: ContainerConfig = { Cmd: ['sh'] };
const epOnly: ContainerConfig = { Entrypoint: ['/ep'], Cmd: null };

describe('containerCommand (Docker rules)', () => {
  it.each<[string, ContainerConfig | undefined, CommandOverrides, string[]]>([
    ['entrypoint + cmd', both, { args: [] }, ['/ep', 'a', 'c1', 'c2']],
    ['args replace cmd', both, { args: ['x', 'y'] }, ['/ep', 'a', 'x', 'y']],
    ['--entrypoint drops the image cmd', both, { entrypoint: '/bin/echo', args: [] }, ['/bin/echo']],
    ['--entrypoint with args', both, { entrypoint: 'ls', args: ['-l'] }, ['ls', '-l']],
    ["--entrypoint '' leaves the args alone", both, { entrypoint: '', args: ['echo', 'z'] }, ['echo', 'z']],
    ['cmd only', cmdOnly, { args: [] }, ['sh']],
    ['cmd only, args replace it', cmdOnly, { args: ['id', '-u'] }, ['id', '-u']],
    ['entrypoint only', epOnly, { args: [] }, ['/ep']],
    ['entrypoint only, args appended', epOnly, { args: ['q'] }, ['/ep', 'q']],
    ['no config, args', undefined, { args: ['true'] }, ['true']],
    ['--entrypoint with spaces stays one word', cmdOnly, { entrypoint: 'sh -c', args: [] }, ['sh -c']],
  ])('%s', (_name, config, overrides, expected) => {
    expect(containerCommand(config, overrides)).toEqual(expected);
  });

  it.each<[string, ContainerConfig | undefined, CommandOverrides]>([
    ['nothing at all', undefined, { args: [] }],
    ['empty image config', {}, { args: [] }],
    ["--entrypoint '' and no args", both, { entrypoint: '', args: [] }],
  ])('fails with "no command specified": %s', (_name, config, overrides) => {
    expect(() => containerCommand(config, overrides)).toThrow(/no command specified/);
  });
});

describe('-e and --env-file parsing', () => {
  const host: Record<string, string> = { HOSTVAR: 'from host', EMPTY: '' };
  const lookup = (name: string) => host[name];

  it.each([
    ['K=V', 'K=V'],
    ['K=', 'K='],
    ['K=a=b', 'K=a=b'],
    ['HOSTVAR', 'HOSTVAR=from host'],
    ['EMPTY', 'EMPTY='],
    ['UNSET_ON_HOST', 'UNSET_ON_HOST'],
  ])('-e %s -> %s', (flag, expected) => {
    expect(parseEnvFlag(flag, lookup)).toBe(expected);
  });

  it('rejects -e without a name', () => {
    expect(() => parseEnvFlag('=x', lookup)).toThrow(/invalid environment variable: =x/);
  });

  it('reads an env file like the docker CLI (comments, blank lines, verbatim values, host pass-through)', () => {
    const text = '\uFEFF# comment\n\nA=1\n  B=two words  \nC="quoted"\nHOSTVAR\r\nNOPE\n';
    expect(parseEnvFile(text, 'f.env', lookup)).toEqual(['A=1', 'B=two words  ', 'C="quoted"', 'HOSTVAR=from host', 'NOPE']);
  });

  it.each([
    ['=x', /f.env:2: no variable name/],
    ['BAD NAME=x', /f.env:2: variable "BAD NAME" contains whitespace/],
  ])('rejects the env-file line %j', (line, error) => {
    expect(() => parseEnvFile(`OK=1\n${line}\n`, 'f.env', lookup)).toThrow(error);
  });
});

describe('containerEnv merge', () => {
  const base = { hostname: 'abc123', tty: false, home: '/root' };

  it('starts from PATH, HOSTNAME and HOME', () => {
    expect(containerEnv({ ...base, imageEnv: [], userEnv: [] })).toEqual([`PATH=${DEFAULT_PATH}`, 'HOSTNAME=abc123', 'HOME=/root']);
  });

  it('applies the image Env, then the user entries (later wins), and adds TERM with a tty', () => {
    const env = containerEnv({
      ...base, tty: true, home: '/home/u',
      imageEnv: ['PATH=/img/bin', 'A=image', 'B=image'],
      userEnv: ['B=file', 'C=file', 'C=flag'],
    });
    expect(env).toEqual(['PATH=/img/bin', 'HOSTNAME=abc123', 'TERM=xterm', 'A=image', 'B=file', 'C=flag', 'HOME=/home/u']);
  });

  it('a bare name unsets the variable, even one the image sets', () => {
    const env = containerEnv({ ...base, imageEnv: ['A=image', 'B=image'], userEnv: ['A', 'GONE'] });
    expect(env).not.toContain('A=image');
    expect(env.some((e) => e.startsWith('GONE'))).toBe(false);
    expect(env).toContain('B=image');
  });

  it('keeps a HOME from the image or the user, and restores it when unset', () => {
    expect(containerEnv({ ...base, imageEnv: ['HOME=/img'], userEnv: [] })).toContain('HOME=/img');
    expect(containerEnv({ ...base, imageEnv: ['HOME=/img'], userEnv: ['HOME'] })).toContain('HOME=/root');
  });
});
