// BuildKit's attestations for file outputs (`type=local`, `type=tar`): each statement is a file
// named as BuildKit names it (`provenance.json`, `sbom.spdx.json`) whose subjects are the regular
// files of the output, by path, with their sha256.
import path from 'node:path';
import type { Attestation } from '../../oci/index.js';

export interface StatementFile {
  name: string;
  text: string;
}

/** The statement files of `attestations` over the regular files of `root`. */
export async function statementFiles(root: string, attestations: Attestation[]): Promise<StatementFile[]> {
  if (attestations.length === 0) return [];
  const { inTotoStatement } = await import('../../spec/index.js');
  const subjects = await fileSubjects(root);
  return attestations.map((attestation) => ({
    name: path.basename(attestation.path),
    text: JSON.stringify(inTotoStatement(attestation.predicateType, attestation.predicate, subjects), null, 2),
  }));
}

async function fileSubjects(root: string): Promise<{ name: string; digest: Record<string, string> }[]> {
  const [{ createHash }, { createReadStream }, { lstat, readdir }, { pipeline }] = await Promise.all([
    import('node:crypto'), import('node:fs'), import('node:fs/promises'), import('node:stream/promises'),
  ]);
  const subjects: { name: string; digest: Record<string, string> }[] = [];
  const walk = async (relative: string): Promise<void> => {
    const names = (await readdir(path.join(root, relative))).sort();
    for (const name of names) {
      const entry = relative ? `${relative}/${name}` : name;
      const stat = await lstat(path.join(root, entry));
      if (stat.isDirectory()) await walk(entry);
      else if (stat.isFile()) {
        const hash = createHash('sha256');
        await pipeline(createReadStream(path.join(root, entry)), hash);
        subjects.push({ name: entry, digest: { sha256: hash.digest('hex') } });
      }
    }
  };
  await walk('');
  return subjects;
}
