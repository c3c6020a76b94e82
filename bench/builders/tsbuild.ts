// tsbuild adapter: `node dist/cli.js build` over a private $TSBUILD_ROOT. Detected at prepare:
// when the build command is missing or broken, prepare throws and the table shows the failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMeasured } from '../command.js';
import { makeScratchDir, removeTree } from '../scratch-dir.js';
import type { Builder, BuildResult, Scenario } from '../types.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_TSBUILD_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

export class TsbuildBuilder implements Builder {
  readonly name = 'tsbuild';
  private readonly workDir = makeScratchDir('tsbuild');
  version = '';

  constructor(private readonly cli: string = DEFAULT_TSBUILD_CLI) {}

  private root(): string {
    return path.join(this.workDir, 'root');
  }

  /** Node arguments that start the CLI; a .ts entry (src/cli.ts) runs through tsx. */
  private cliArgs(): string[] {
    return /\.[cm]?ts$/.test(this.cli) ? ['--import', 'tsx', this.cli] : [this.cli];
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, TSBUILD_ROOT: this.root() };
  }

  async prepare(): Promise<void> {
    if (!existsSync(this.cli)) throw new Error(`${this.cli} does not exist (run npm run build)`);
    const help = spawnSync(process.execPath, [...this.cliArgs(), 'build', '--help'], { env: this.env(), encoding: 'utf8' });
    // commander prints the root help (exit 0) for an unknown command: look for the build usage line.
    if (help.status !== 0 || !/^Usage: \S+ build\b/m.test(help.stdout)) {
      const lines = help.stderr.split('\n').filter((l) => l.trim() !== '');
      const why = lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? 'the CLI has no build command';
      throw new Error(`\`tsbuild build\` is not available in ${this.cli}: ${why}`);
    }
    const version = spawnSync(process.execPath, [...this.cliArgs(), '--version'], { encoding: 'utf8' });
    this.version = `tsbuild ${version.stdout.trim()} (node ${process.versions.node})`;
    mkdirSync(this.root(), { recursive: true });
  }

  build(scenario: Scenario, tag: string): Promise<BuildResult> {
    return runMeasured({
      command: process.execPath,
      args: [...this.cliArgs(), 'build', '--network', 'host', '-t', tag, '-f', path.join(scenario.contextDir, 'Dockerfile'), scenario.contextDir],
      env: this.env(),
    });
  }

  /** Drops the whole root: content store, snapshots, cache index and image names. */
  async reset(): Promise<void> {
    removeTree(this.root());
    mkdirSync(this.root(), { recursive: true });
  }

  async teardown(): Promise<void> {
    removeTree(this.workDir);
  }
}
