// Stat of a path the user named (import source, load input), failing with an error they understand.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TsbuildError } from '../errors.js';

export async function statSource(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TsbuildError('NOT_FOUND', `${path}: no such file or directory`);
    throw error;
  }
}
