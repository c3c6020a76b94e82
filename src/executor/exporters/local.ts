// `type=local,dest=DIR`: the final rootfs as a directory (one subdirectory per platform when
// several), with each attestation beside it as an in-toto statement file named as BuildKit names
// it (`provenance.json`, `sbom.spdx.json`) whose subjects are the exported files.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { TsbuildError } from '../../errors.js';
import { requiredDest } from './attributes.js';
import type { Exporter } from './exporter.js';
import type { Attestation } from '../../oci/index.js';

export interface LocalOutput {
  type: 'local';
  dest: string;
}

/**
 * Each rootfs is copied to a temp dir beside the target first: a new target appears whole by
 * rename; an existing one (BuildKit's exporter writes into it too) receives the files only once
 * the copy succeeded.
 */
export const localExporter: Exporter<LocalOutput> = {
  attributes: ['dest'],
  parse: (fields) => ({ type: 'local', dest: requiredDest(fields) }),

  async exportBuild({ dest }, { images, withRootfs }) {
    const { tempPathBeside } = await import('../../fs/temp-path.js'); // on use: the CLI loads this table to parse --output
    for (const image of images) {
      const target = images.length > 1 ? `${dest}/${image.platform.replaceAll('/', '_')}` : dest;
      mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
      await withRootfs(image, async (rootfs) => {
        const copied = tempPathBeside(target);
        try {
          mkdirSync(copied);
          await copyTree(rootfs, copied);
          if (image.attestations.length > 0) await writeStatements(copied, image.attestations);
          if (!existsSync(target)) renameSync(copied, target);
          else await copyTree(copied, target);
        } finally {
          rmSync(copied, { recursive: true, force: true });
        }
      });
    }
    return [];
  },
};

/**
 * Copies a rootfs like `cp -a`: modes, mtimes, symlinks, hard links, device nodes and, as root,
 * owners (what BuildKit's local exporter keeps). Node's cpSync turns devices into empty files and
 * drops owners.
 */
async function copyTree(from: string, to: string): Promise<void> {
  const { spawnSync } = await import('node:child_process');
  const flags = process.getuid?.() === 0 ? ['-a'] : ['-dR', '--preserve=mode,timestamps,links'];
  const result = spawnSync('cp', [...flags, '--', `${from}/.`, to], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new TsbuildError('STORE', `type=local: copying the rootfs to ${to} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
}

/** BuildKit's local attestations: statement files beside the exported files. */
async function writeStatements(dir: string, attestations: Attestation[]): Promise<void> {
  const [{ statementFiles }, { writeFile }] = await Promise.all([import('./attestation-files.js'), import('node:fs/promises')]);
  for (const file of await statementFiles(dir, attestations)) await writeFile(path.join(dir, file.name), file.text, { mode: 0o600 });
}
