// `tsbuild plan`: parse a Dockerfile and print its build plan (text, JSON, DOT or Mermaid),
// offline: base images appear as references.
import { parseKeyValueFlags } from '../build-flags.js';
import { Option } from 'commander';
import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { TsbuildError } from '../../errors.js';
import type { Dockerfile } from '../../parser/types.js';
import type { ImageConfig, Platform } from '../../oci/types.js';
import { defaultDockerfilePath } from '../../planner/dockerfile-path.js';

const FORMATS = ['text', 'json', 'dot', 'mermaid'] as const;
type PlanFormat = (typeof FORMATS)[number];

interface PlanFlags {
  file?: string;
  target?: string;
  buildArg: string[];
  platform?: string;
  format: PlanFormat;
  resolve?: boolean;
}

export function register(program: Command): Command {
  return program
    .command('plan')
    .description('Print the build plan (a DAG of steps) of a Dockerfile without building')
    .argument('<context>', 'build context directory')
    .option('-f, --file <file>', 'Dockerfile path (default: CONTEXT/Dockerfile)')
    .option('--target <stage>', 'plan only this stage and what it needs')
    .option('--build-arg <key=value>', 'set a build-time variable (repeatable)', collect, [])
    .option('--platform <platforms>', 'target platforms, comma-separated (default: this machine)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--resolve', 'resolve base images from their registries')
    .action(async (context: string, flags: PlanFlags) => {
      const dockerfile = await readDockerfile(context, flags.file);
      const planner = await import('../../planner/index.js');
      const host = planner.hostPlatform();
      const { plan, warnings } = await planner.planBuild(dockerfile, {
        buildArgs: parseKeyValueFlags(flags.buildArg),
        platforms: flags.platform ? planner.parsePlatformList(flags.platform) : [host],
        buildPlatform: host,
        ...(flags.target !== undefined ? { target: flags.target } : {}),
        ...(flags.resolve ? { resolveImageConfig: await baseImageResolver() } : {}),
      });
      printWarnings(warnings);
      const render = { text: planner.renderText, json: planner.renderJson, dot: planner.renderDot, mermaid: planner.renderMermaid }[flags.format];
      process.stdout.write(render(plan));
    });
}

/** Base image configs from the store, pulled when missing (`--resolve`). */
async function baseImageResolver(): Promise<(ref: string, platform: Platform) => Promise<ImageConfig>> {
  const { openRoot } = await import('../../oci/root.js');
  const { DiskContentStore } = await import('../../oci/disk-store.js');
  const { ImageNames } = await import('../../oci/image-names.js');
  const { BaseImages } = await import('../../executor/base-images.js');
  const layout = await openRoot();
  const images = new BaseImages({
    store: await DiskContentStore.open(layout.root), names: new ImageNames(layout), pull: false, onEvent: () => undefined,
  });
  return async (ref, platform) => (await images.resolve(ref, platform)).config;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Reads and parses `-f FILE` (default CONTEXT/Dockerfile; `-` reads standard input, like
 * docker); the context must be a directory.
 */
export async function readDockerfile(context: string, file: string | undefined): Promise<Dockerfile> {
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new TsbuildError('NOT_FOUND', `unable to prepare context: path "${context}" not found`);
  }
  const path = file ?? defaultDockerfilePath(context);
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new TsbuildError('NOT_FOUND', `failed to read dockerfile: open ${path}: no such file or directory`, { cause: error });
  }
  const { parseDockerfile } = await import('../../parser/index.js');
  return parseDockerfile(text, { file: path === '-' ? '<stdin>' : path });
}

export function printWarnings(warnings: { message: string; rule?: string; location?: { file: string; line: number } }[]): void {
  for (const w of warnings) {
    const where = w.location ? `${w.location.file}:${w.location.line}: ` : '';
    process.stderr.write(`warning: ${where}${w.rule ? `${w.rule}: ` : ''}${w.message}\n`);
  }
}
