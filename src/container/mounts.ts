// The container's mounts: `-v` binds and anonymous volumes, `--tmpfs`, and the image's VOLUMEs
// (each a fresh directory in the container's dir unless a flag mounts something there).
import { mkdirSync, statSync } from 'node:fs';
import { TsbuildError } from '../errors.js';
import type { ContainerConfig } from '../oci/index.js';
import type { Mount } from '../runtime-shim/index.js';
import type { ContainerDir } from '../container/container-dir.js';
import { checkDistinctTargets, containerPath, type TmpfsSpec, type VolumeSpec } from '../container/mount-specs.js';

export interface AnonymousVolume {
  target: string;
  /** Its directory under `<root>/containers/<id>/volumes`. */
  dir: string;
}

export interface PlannedMounts {
  mounts: Mount[];
  anonymous: AnonymousVolume[];
}

/** Creates missing bind sources and anonymous volume dirs; mounts come out parents first. */
export function planMounts(config: ContainerConfig | undefined, volumes: VolumeSpec[], tmpfs: TmpfsSpec[], dir: ContainerDir): PlannedMounts {
  checkDistinctTargets([...volumes.map((v) => v.target), ...tmpfs.map((t) => t.target)]);
  const taken = new Set([...volumes.map((v) => v.target), ...tmpfs.map((t) => t.target)]);
  const imageVolumes = Object.keys(config?.Volumes ?? {})
    .map((path) => containerPath(path, `VOLUME ${path}`))
    .filter((target) => !taken.has(target));
  const requested: VolumeSpec[] = [
    ...imageVolumes.map((target): VolumeSpec => ({ kind: 'anonymous', target, readonly: false })),
    ...volumes,
  ];
  const mounts: Mount[] = [];
  const anonymous: AnonymousVolume[] = [];
  for (const volume of requested) {
    if (volume.kind === 'bind') {
      mounts.push({ type: 'bind', source: bindSource(volume.source), target: volume.target, readonly: volume.readonly });
      continue;
    }
    const source = dir.volume(anonymous.length);
    anonymous.push({ target: volume.target, dir: source });
    mounts.push({ type: 'bind', source, target: volume.target, readonly: volume.readonly });
  }
  for (const t of tmpfs) mounts.push({ type: 'tmpfs', target: t.target, readonly: t.readonly, options: t.options });
  return { mounts: mounts.sort((a, b) => depth(a.target) - depth(b.target)), anonymous };
}

/** Like `docker run -v`, a missing host path is created as a directory. */
function bindSource(source: string): string {
  try {
    statSync(source);
  } catch {
    try {
      mkdirSync(source, { recursive: true });
    } catch (error) {
      throw new TsbuildError('USAGE', `cannot create the bind mount source ${source}: ${(error as Error).message}`, { cause: error });
    }
  }
  return source;
}

function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}
