// `tsbuild check`: run the build checks over a Dockerfile and print `file:line: Rule: message`.
// `# check=error=true` makes findings fail the command (exit status 3).
import type { Command } from 'commander';
import { BUILD_CONTEXT_OPTION, parseBuildArgFlags, parseBuildContextFlags } from '../build-flags.js';

interface CheckFlags {
  file?: string;
  buildArg: string[];
  buildContext: string[];
}

export function register(program: Command): Command {
  return program
    .command('check')
    .description('Check a Dockerfile against the build-check rules, without building')
    .argument('<context>', 'build context directory')
    .option('-f, --file <file>', 'Dockerfile path (default: CONTEXT/Dockerfile)')
    .option('--build-arg <key=value>', 'set a build-time variable (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option(BUILD_CONTEXT_OPTION.flags, BUILD_CONTEXT_OPTION.description, (v: string, p: string[]) => [...p, v], [])
    .action(async (context: string, flags: CheckFlags) => {
      const { check, checkFailed } = await import('../../api/plan.js');
      const report = await check({
        context, dockerfile: flags.file, buildArgs: parseBuildArgFlags(flags.buildArg), buildContexts: parseBuildContextFlags(flags.buildContext),
      });
      for (const line of report.lines) process.stdout.write(`${line}\n`);
      if (report.failed) throw checkFailed(report.findings.length);
    });
}
