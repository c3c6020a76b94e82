// buildah adapter: `buildah bud --layers` with its own storage root, overlay driver (vfs when
// overlay does not work here), runc, host network and plain HTTP to the local registry.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runChecked, runMeasured } from '../command.js';
import { makeScratchDir, removeTree } from '../scratch-dir.js';
import type { Builder, BuildResult, Scenario } from '../types.js';

export type BuildahIsolation = 'chroot' | 'oci';

export class BuildahBuilder implements Builder {
  readonly name = 'buildah';
  private readonly workDir = makeScratchDir('buildah');
  private driver: 'overlay' | 'vfs' = 'overlay';
  version = '';

  constructor(private readonly isolation: BuildahIsolation) {}

  private storageArgs(): string[] {
    return ['--root', path.join(this.workDir, 'root'), '--runroot', path.join(this.workDir, 'runroot'), '--storage-driver', this.driver];
  }

  async prepare(): Promise<void> {
    this.version = (await runChecked('buildah', ['--version'])).trim();
    try {
      await runChecked('buildah', [...this.storageArgs(), 'images']);
    } catch {
      this.driver = 'vfs';
      await this.reset();
      await runChecked('buildah', [...this.storageArgs(), 'images']);
    }
    this.version += ` (storage ${this.driver}, isolation ${this.isolation})`;
  }

  build(scenario: Scenario, tag: string): Promise<BuildResult> {
    const args = [
      ...this.storageArgs(),
      'bud',
      '--runtime', 'runc',
      '--layers',
      '--isolation', this.isolation,
      '--network', 'host',
      '--tls-verify=false',
      '-t', tag,
      '-f', path.join(scenario.contextDir, 'Dockerfile'),
      scenario.contextDir,
    ];
    return runMeasured({ command: 'buildah', args });
  }

  /** Drops the whole storage root: images, layers and the layer cache go with it. */
  async reset(): Promise<void> {
    for (const sub of ['root', 'runroot']) {
      removeTree(path.join(this.workDir, sub));
      mkdirSync(path.join(this.workDir, sub), { recursive: true });
    }
  }

  async teardown(): Promise<void> {
    removeTree(this.workDir);
  }
}
