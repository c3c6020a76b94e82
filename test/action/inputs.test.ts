// Inputs read from INPUT_* variables the way the Actions runner sets them.
import { describe, expect, it } from 'vitest';
import { getBooleanInput, getInput, readInputs } from '../../src/action/inputs.js';

describe('getInput', () => {
  it('upper-cases the name, keeps hyphens, turns spaces into underscores and trims', () => {
    const env = { 'INPUT_BUILD-ARGS': '  A=1\n', INPUT_MY_INPUT: 'x' };
    expect(getInput(env, 'build-args')).toBe('A=1');
    expect(getInput(env, 'my input')).toBe('x');
    expect(getInput(env, 'BUILD_ARGS')).toBe('');
  });
});

describe('getBooleanInput', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['', false],
  ])('reads %j as %s', (value, expected) => {
    expect(getBooleanInput({ INPUT_PUSH: value }, 'push')).toBe(expected);
  });

  it.each(['yes', '1', 'on', 'tRUE'])('rejects %j like @actions/core does', (value) => {
    expect(() => getBooleanInput({ INPUT_PUSH: value }, 'push')).toThrow(/input "push" .* not a boolean/);
  });
});

describe('readInputs', () => {
  it('applies each input its list semantics', () => {
    const inputs = readInputs({
      INPUT_TAGS: 'a/b:1,a/b:2\na/b:latest',
      'INPUT_BUILD-ARGS': 'LIST=x,y\nB=2',
      INPUT_LABELS: 'org.example.list=a,b',
      INPUT_PLATFORMS: 'linux/amd64,linux/arm64',
      INPUT_OUTPUTS: 'type=image,"name=a,b",push=true',
      'INPUT_CACHE-TO': 'type=registry,ref=r/c:cache,mode=max',
      INPUT_PUSH: 'true',
    });
    expect(inputs).toMatchObject({
      context: '.',
      tags: ['a/b:1', 'a/b:2', 'a/b:latest'],
      buildArgs: ['LIST=x,y', 'B=2'],
      labels: ['org.example.list=a,b'],
      platforms: ['linux/amd64', 'linux/arm64'],
      outputs: ['type=image,"name=a,b",push=true'],
      cacheTo: ['type=registry,ref=r/c:cache,mode=max'],
      push: true,
      load: false,
    });
  });

  it('reads provenance, sbom and attests as build-push-action does, and the run as builder id', () => {
    const inputs = readInputs({
      INPUT_PROVENANCE: 'mode=max', INPUT_SBOM: 'true', INPUT_ATTESTS: 'type=provenance,mode=min\ntype=sbom',
      GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '3',
    });
    expect(inputs).toMatchObject({
      provenance: 'mode=max', sbom: 'true', attests: ['type=provenance,mode=min', 'type=sbom'],
      builderId: 'https://github.com/o/r/actions/runs/7/attempts/3',
    });
  });
});
