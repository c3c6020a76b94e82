// Command-line parsing of the benchmark harness (bench/args.ts).
import { describe, expect, test } from 'vitest';
import { parseBenchArgs } from '../../bench/args.js';

describe('parseBenchArgs', () => {
  test('defaults: 3 rounds, every scenario and builder, chroot isolation', () => {
    expect(parseBenchArgs([])).toEqual({
      rounds: 3,
      scenarios: ['multistage', 'large-context', 'big-layer', 'parallel'],
      builders: ['tsbuild', 'buildkit', 'buildah'],
      buildahIsolation: 'chroot',
      dockerdFlags: [],
      outDir: 'bench/results',
    });
  });

  test('--quick is one round of the multistage scenario', () => {
    const options = parseBenchArgs(['--quick', '--rounds', '5']);
    expect(options.rounds).toBe(1);
    expect(options.scenarios).toEqual(['multistage']);
  });

  test('lists, flags from the environment and the CLI path', () => {
    const options = parseBenchArgs(
      ['--builders', 'buildah,buildkit', '--scenarios', 'parallel', '--tsbuild-cli', 'src/cli.ts', '--buildah-isolation', 'oci'],
      { BENCH_DOCKERD_FLAGS: '--storage-driver vfs  --exec-opt native.cgroupdriver=cgroupfs' },
    );
    expect(options.builders).toEqual(['buildah', 'buildkit']);
    expect(options.scenarios).toEqual(['parallel']);
    expect(options.tsbuildCli).toBe('src/cli.ts');
    expect(options.buildahIsolation).toBe('oci');
    expect(options.dockerdFlags).toEqual(['--storage-driver', 'vfs', '--exec-opt', 'native.cgroupdriver=cgroupfs']);
  });

  test.each([
    [['--rounds', '0'], /--rounds must be a positive integer/],
    [['--rounds', 'x'], /--rounds must be a positive integer/],
    [['--builders', 'kaniko'], /unknown builder "kaniko"/],
    [['--scenarios', 'huge'], /unknown scenario "huge"/],
    [['--buildah-isolation', 'rootless'], /chroot or oci/],
    [['--nope'], /Unknown option/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
