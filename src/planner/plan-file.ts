// The one way a Dockerfile is read, parsed and planned: by `build`, `plan` and `check`, from the
// CLI and from the Node API alike.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { TsbuildError } from '../errors.js';
import { parseDockerfile } from '../parser/index.js';
import type { Dockerfile } from '../parser/index.js';
import { planBuild } from './plan.js';
import { hostPlatform, parsePlatformList } from '../spec/index.js';
import type { PlanOptions, PlanResult } from './types.js';
import { defaultDockerfilePath } from './dockerfile-path.js';

export interface DockerfileSource {
  /** The build context directory; it must exist. */
  context: string;
  /** Default `<context>/Dockerfile`; `-` reads standard input. */
  dockerfile?: string;
  /** Dockerfile text, instead of reading `dockerfile` (the path is still used in messages). */
  dockerfileContents?: string;
  /** The file name in messages (default the path read). */
  displayName?: string;
}

export interface PlanFileOptions extends DockerfileSource {
  buildArgs?: Record<string, string>;
  target?: string;
  /** e.g. `['linux/amd64', 'linux/arm64']`; default the host platform. */
  platforms?: string[];
  /** Base image configs (resolved from a store or registry); without it base images stay references. */
  resolveImageConfig?: PlanOptions['resolveImageConfig'];
  /** `--build-context name=docker-image://ref`: images that replace a stage, FROM or --from of that name. */
  namedImages?: PlanOptions['namedImages'];
  /** `--build-context name=<dir>|<url>`: file trees that replace a stage, FROM or --from of that name. */
  namedFiles?: PlanOptions['namedFiles'];
  /** Dates a remote file for `SOURCE_DATE_EPOCH=<stage>`; without it such a stage gives no date. */
  resolveSourceEpoch?: PlanOptions['resolveSourceEpoch'];
  contextEpoch?: PlanOptions['contextEpoch'];
}

/** Reads and parses the Dockerfile of `source`, with docker's messages for a missing context or file. */
export function readDockerfile(source: DockerfileSource): Dockerfile {
  if (!existsSync(source.context) || !statSync(source.context).isDirectory()) {
    throw new TsbuildError('NOT_FOUND', `unable to prepare context: path "${source.context}" not found`);
  }
  const file = source.dockerfile ?? defaultDockerfilePath(source.context);
  const name = source.displayName ?? (file === '-' ? '<stdin>' : file);
  if (source.dockerfileContents !== undefined) return parseDockerfile(source.dockerfileContents, { file: name });
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new TsbuildError('NOT_FOUND', `failed to read dockerfile: open ${file}: no such file or directory`, { cause: error });
  }
  return parseDockerfile(text, { file: name });
}

/** Plans a parsed Dockerfile for `options.platforms` (default this host), built on this host. */
export function planDockerfile(dockerfile: Dockerfile, options: Omit<PlanFileOptions, keyof DockerfileSource>): Promise<PlanResult> {
  const host = hostPlatform();
  return planBuild(dockerfile, {
    buildArgs: options.buildArgs ?? {},
    target: options.target,
    ...(options.namedImages ? { namedImages: options.namedImages } : {}),
    ...(options.namedFiles ? { namedFiles: options.namedFiles } : {}),
    platforms: options.platforms?.length ? parsePlatformList(options.platforms.join(',')) : [host],
    buildPlatform: host,
    ...(options.resolveImageConfig ? { resolveImageConfig: options.resolveImageConfig } : {}),
    ...(options.resolveSourceEpoch ? { resolveSourceEpoch: options.resolveSourceEpoch } : {}),
    ...(options.contextEpoch !== undefined ? { contextEpoch: options.contextEpoch } : {}),
  });
}

/** Reads, parses and plans a Dockerfile. */
export async function plan(options: PlanFileOptions): Promise<PlanResult> {
  return planDockerfile(readDockerfile(options), options);
}
