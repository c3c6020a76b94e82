// The start of a stage: its FROM expanded in the global scope, then either another stage's
// final state, `scratch`, or a base image (a source step plus its resolved config, if any).
import type { ContainerConfig, Platform } from '../spec/index.js';
import type { Stage } from '../parser/index.js';
import { closestMatch } from '../parser/index.js';
import type { PlanContext } from './context.js';
import { formatPlatform, parsePlatform, normalizeReference } from '../spec/index.js';
import { PLATFORM_ARG_NAMES } from './platform.js';
import { expandAt } from './scope.js';
import type { StageState } from './stage-state.js';
import { scratchContainerConfig, withDefaultPath } from './stage-state.js';
import type { NamedFiles, StageRef } from './types.js';

/** Expands a FROM-line word with global ARGs and platform ARGs; warns on undeclared names. */
export function expandGlobal(ctx: PlanContext, word: string, stage: Stage): string {
  const lookup = (name: string) => ctx.globalArgs.get(name) ?? ctx.platformArgs[name];
  const result = expandAt(ctx, word, lookup, stage.from.range);
  const platformNames: readonly string[] = PLATFORM_ARG_NAMES;
  for (const name of result.unmatched) {
    if (ctx.globalArgs.has(name) || platformNames.includes(name)) continue;
    const hint = closestMatch(name, ctx.globalArgs.keys(), { caseSensitive: true });
    ctx.warn('UndefinedArgInFrom', `FROM argument '${name}' is not declared${hint ? ` (did you mean ${hint}?)` : ''}`, stage.from.range);
  }
  return result.value;
}

export function stagePlatform(ctx: PlanContext, stage: Stage): Platform | undefined {
  if (stage.from.platform === undefined) return undefined;
  const text = expandGlobal(ctx, stage.from.platform, stage);
  try {
    return parsePlatform(text);
  } catch {
    throw ctx.invalid(`failed to parse platform ${text}`, stage.from.range);
  }
}

/** A base that is an image (or scratch): a source step and the image's config when known. */
export async function imageBase(
  ctx: PlanContext,
  stage: Stage,
  stageRef: StageRef,
  image: string,
  platform: Platform,
): Promise<StageState> {
  const base = { stage: stageRef, platform, args: new Map<string, string | undefined>(), cmdSet: false };
  const platformText = formatPlatform(platform);
  if (image.toLowerCase() === 'scratch' || namedImage(ctx, image) === EMPTY_IMAGE) {
    const head = ctx.addStep({ kind: 'source', image: 'scratch', platform: platformText }, [], stageRef, stage.from.original, stage.from.range);
    return { ...base, head, config: scratchContainerConfig(platform.os), baseResolved: true };
  }
  const normalized = sourceImageRef(ctx, image, stage.from.range);
  const head = ctx.addStep({ kind: 'source', image: normalized, platform: platformText }, [], stageRef, stage.from.original, stage.from.range);
  const resolved = await ctx.options.resolveImageConfig?.(normalized, platform);
  const config: ContainerConfig = resolved ? withDefaultPath(structuredClone(resolved.config ?? {}), platform.os) : {};
  return { ...base, head, config, baseResolved: resolved !== undefined };
}

/** `--build-context name=docker-image://scratch` is the empty image (BuildKit's EmptyImageName). */
const EMPTY_IMAGE = 'scratch';

/**
 * Validates and normalises an image reference (a `--build-context` image named like it replaces
 * it); errors name the line.
 */
export function sourceImageRef(ctx: PlanContext, written: string, range: Stage['from']['range']): string {
  const image = namedImage(ctx, written) ?? written;
  if (image === EMPTY_IMAGE && image !== written) return 'scratch';
  try {
    return normalizeReference(image);
  } catch {
    if (ctx.options.lint) return image;
    throw ctx.invalid(`failed to parse stage name "${image}": invalid reference format`, range);
  }
}

/**
 * The `--build-context` image for `name`: named as written, or naming the same reference
 * (`alpine` and `docker.io/library/alpine:latest` are one), as BuildKit matches them.
 */
export function namedImage(ctx: PlanContext, name: string): string | undefined {
  return lookupNamed(ctx.options.namedImages ?? {}, name);
}

/** The `--build-context` file tree (directory or URL) for `name`, matched like namedImage. */
export function namedFiles(ctx: PlanContext, name: string): NamedFiles | undefined {
  return lookupNamed(ctx.options.namedFiles ?? {}, name);
}

function lookupNamed<T>(named: Record<string, T>, name: string): T | undefined {
  if (named[name] !== undefined) return named[name];
  const ref = normalizedOrUndefined(name);
  if (!ref) return undefined;
  return Object.entries(named).find(([key]) => normalizedOrUndefined(key) === ref)?.[1];
}

function normalizedOrUndefined(name: string): string | undefined {
  try {
    return normalizeReference(name);
  } catch {
    return undefined;
  }
}
