// Where a build error points in the repository: the CLI reports Dockerfile errors as
// `FILE:LINE: message`; the annotation names that file relative to the workspace so GitHub shows
// the error on the Dockerfile's line.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { AnnotationPlace } from './runner-files.js';

const LOCATED = /^(.+?):(\d+): ([\s\S]*)$/;

export interface PlacedError {
  message: string;
  place?: AnnotationPlace;
}

/**
 * Splits `FILE:LINE: message` when FILE is a file inside the workspace (`GITHUB_WORKSPACE`, else
 * the current directory); other messages, `host:5000: refused` say, are left whole.
 */
export function placeError(text: string, env: NodeJS.ProcessEnv, cwd = process.cwd()): PlacedError {
  const match = LOCATED.exec(text);
  if (!match) return { message: text };
  const [, file, line, message] = match;
  const absolute = resolve(cwd, file);
  const inRepository = relative(resolve(cwd, env.GITHUB_WORKSPACE || '.'), absolute);
  if (!existsSync(absolute) || inRepository.startsWith('..') || isAbsolute(inRepository)) return { message: text };
  return { message, place: { file: inRepository, line: Number(line) } };
}
