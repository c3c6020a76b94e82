// `tsbuild plan`: parse a Dockerfile and print its build plan (text, JSON, DOT or Mermaid),
// offline: base images appear as references.
import { BUILD_CONTEXT_OPTION, parseBuildArgFlags, parseBuildContextFlags } from '../build-flags.js';
import { Option } from 'commander';
import type { Command } from 'commander';

const FORMATS = ['text', 'json', 'dot', 'mermaid'] as const;
type PlanFormat = (typeof FORMATS)[number];

interface PlanFlags {
  file?: string;
  target?: string;
  buildArg: string[];
  buildContext: string[];
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
    .option(BUILD_CONTEXT_OPTION.flags, BUILD_CONTEXT_OPTION.description, collect, [])
    .option('--platform <platforms>', 'target platforms, comma-separated (default: this machine)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--resolve', 'resolve base images from their registries')
    .action(async (context: string, flags: PlanFlags) => {
      const { plan, renderPlan } = await import('../../api/plan.js');
      const result = await plan({
        context,
        dockerfile: flags.file,
        buildArgs: parseBuildArgFlags(flags.buildArg),
        buildContexts: parseBuildContextFlags(flags.buildContext),
        platforms: flags.platform ? [flags.platform] : undefined,
        ...(flags.target !== undefined ? { target: flags.target } : {}),
        resolve: flags.resolve,
      });
      printWarnings(result.warnings);
      process.stdout.write(renderPlan(result, flags.format));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function printWarnings(warnings: { message: string; rule?: string; location?: { file: string; line: number } }[]): void {
  for (const w of warnings) {
    const where = w.location ? `${w.location.file}:${w.location.line}: ` : '';
    process.stderr.write(`warning: ${where}${w.rule ? `${w.rule}: ` : ''}${w.message}\n`);
  }
}
