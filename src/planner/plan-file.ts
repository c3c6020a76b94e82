// `plan(options)` of the Node API: read and parse a Dockerfile, then plan it for the platforms.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDockerfile } from '../parser/index.js';
import { planBuild } from './plan.js';
import { hostPlatform, parsePlatformList } from '../spec/platform.js';
import type { PlanResult } from './types.js';

export interface PlanFileOptions {
  context: string;
  /** Default `<context>/Dockerfile`. */
  dockerfile?: string;
  dockerfileContents?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  /** e.g. `['linux/amd64', 'linux/arm64']`; default the host platform. */
  platforms?: string[];
}

export async function plan(options: PlanFileOptions): Promise<PlanResult> {
  const file = options.dockerfile ?? path.join(options.context, 'Dockerfile');
  const text = options.dockerfileContents ?? (await readFile(file, 'utf8'));
  const host = hostPlatform();
  return planBuild(parseDockerfile(text, { file }), {
    buildArgs: options.buildArgs ?? {},
    target: options.target,
    platforms: options.platforms?.length ? parsePlatformList(options.platforms.join(',')) : [host],
    buildPlatform: host,
  });
}
