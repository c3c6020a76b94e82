// A container's directory `<root>/containers/<id>`: overlay upper and work dirs, anonymous
// volumes and a state file; `--name` reserves `<root>/containers/names/<name>` (a symlink to the ID).
import { existsSync, mkdirSync, readlinkSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';

export interface ContainerDir {
  id: string;
  name: string | undefined;
  path: string;
  upperdir: string;
  workdir: string;
  /** Creates and returns the directory of anonymous volume number `index`. */
  volume(index: number): string;
  writeState(state: Record<string, unknown>): void;
  /** Removes the directory and the name (for `--rm`). */
  remove(): void;
}

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function containersDir(root: string): string {
  return join(root, 'containers');
}

/** Creates the container's directory, reserving `name` first (fails when another container has it). */
export function createContainerDir(root: string, id: string, name?: string): ContainerDir {
  const base = containersDir(root);
  const path = join(base, id);
  if (name !== undefined) reserveName(base, name, id);
  try {
    for (const sub of ['upper', 'work', 'volumes']) mkdirSync(join(path, sub), { recursive: true });
  } catch (error) {
    if (name !== undefined) releaseName(base, name);
    throw new TsbuildError('STORE', `cannot create the container directory ${path}: ${(error as Error).message}`, { cause: error });
  }
  return {
    id,
    name,
    path,
    upperdir: join(path, 'upper'),
    workdir: join(path, 'work'),
    volume(index) {
      const dir = join(path, 'volumes', String(index));
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    // 0600: with an exec target it holds the container's env.
    writeState: (state) => writeFileSync(join(path, 'state.json'), `${JSON.stringify({ id, name, ...state }, null, 2)}\n`, { mode: 0o600 }),
    remove: () => removeContainerDir(root, id, name),
  };
}

/** Removes `<root>/containers/<id>` and frees its name (when the name still points at it). */
export function removeContainerDir(root: string, id: string, name: string | undefined): void {
  const base = containersDir(root);
  rmSync(join(base, id), { recursive: true, force: true });
  if (name !== undefined && nameHolder(base, name) === id) releaseName(base, name);
}

function nameHolder(base: string, name: string): string | undefined {
  try {
    return readlinkSync(join(base, 'names', name));
  } catch {
    return undefined;
  }
}

/** A symlink is created atomically, so two processes cannot both take a name. */
function reserveName(base: string, name: string, id: string): void {
  if (!NAME_PATTERN.test(name)) throw new TsbuildError('USAGE', `invalid container name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  const names = join(base, 'names');
  const link = join(names, name);
  for (let attempt = 0; attempt < 5; attempt++) {
    mkdirSync(names, { recursive: true });
    try {
      symlinkSync(id, link);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // another process removed the empty names dir meanwhile
      if (code !== 'EEXIST') throw error;
      const holder = readlinkSync(link);
      if (existsSync(join(base, holder))) {
        throw new TsbuildError('USAGE', `the container name "${name}" is already in use by container ${holder}: remove ${join(base, holder)} and ${link} to reuse it`);
      }
      unlinkSync(link); // its container directory is gone: the name is free again
    }
  }
  throw new TsbuildError('STORE', `cannot reserve the container name "${name}" in ${names}`);
}

function releaseName(base: string, name: string): void {
  rmSync(join(base, 'names', name), { force: true });
  try {
    rmdirSync(join(base, 'names'));
  } catch {
    // not empty: other containers keep their names
  }
}
