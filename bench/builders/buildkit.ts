// BuildKit adapter: `DOCKER_BUILDKIT=1 docker build` against a private dockerd; peak RSS counts
// the client plus the daemon's whole process tree (dockerd, containerd, runc).
import path from 'node:path';
import { runChecked, runMeasured } from '../command.js';
import { currentTreeRssBytes } from '../process-tree.js';
import { DOCKER_CLI, startDockerd, type TestDockerd } from '../../test/helpers/dockerd.js';
import { makeScratchDir, removeTree } from '../scratch-dir.js';
import type { Builder, BuildResult, Scenario } from '../types.js';

/** The docker client of the builds: `$BENCH_DOCKER_CLI`, else Debian's (BuildKit built in). */
function dockerCli(): string {
  return process.env.BENCH_DOCKER_CLI ?? DOCKER_CLI;
}

export class BuildkitBuilder implements Builder {
  readonly name = 'buildkit';
  private readonly workDir = makeScratchDir('buildkit');
  private daemon: TestDockerd | undefined;
  version = '';

  constructor(private readonly dockerdFlags: readonly string[]) {}

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_BUILDKIT: '1', DOCKER_CONFIG: path.join(this.workDir, 'client-config') };
  }

  private docker(args: string[]): Promise<string> {
    if (this.daemon === undefined) throw new Error('dockerd is not running');
    return runChecked(dockerCli(), ['-H', this.daemon.host, ...args], this.env());
  }

  async prepare(): Promise<void> {
    this.daemon = await startDockerd({ parent: this.workDir, flags: this.dockerdFlags });
    const server = (await this.docker(['version', '--format', '{{.Server.Version}}'])).trim();
    const flags = this.dockerdFlags.length > 0 ? `, dockerd flags ${this.dockerdFlags.join(' ')}` : '';
    const idleMiB = (currentTreeRssBytes([this.daemon.pid]) / 1024 / 1024).toFixed(0);
    this.version = `docker ${server} (${dockerCli()}${flags}; idle dockerd+containerd RSS ${idleMiB} MiB)`;
  }

  build(scenario: Scenario, tag: string): Promise<BuildResult> {
    const daemon = this.daemon;
    if (daemon === undefined) return Promise.resolve({ seconds: 0, peakRssBytes: 0, error: 'dockerd is not running' });
    return runMeasured({
      command: dockerCli(),
      args: ['-H', daemon.host, 'build', '--network', 'host', '-t', tag, '-f', path.join(scenario.contextDir, 'Dockerfile'), scenario.contextDir],
      env: this.env(),
      daemonPids: () => [daemon.pid],
    });
  }

  /** Removes every image (the base image too) and the whole build cache. */
  async reset(): Promise<void> {
    await this.docker(['system', 'prune', '--all', '--force']);
    await this.docker(['builder', 'prune', '--all', '--force']);
    const left = (await this.docker(['images', '--all', '--quiet'])).trim();
    if (left !== '') await this.docker(['rmi', '--force', ...new Set(left.split('\n'))]);
  }

  async teardown(): Promise<void> {
    await this.daemon?.stop();
    this.daemon = undefined;
    removeTree(this.workDir);
  }
}
