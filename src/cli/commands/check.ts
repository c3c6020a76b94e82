// `tsbuild check`: run the build checks over a Dockerfile and print `file:line: Rule: message`.
// `# check=error=true` makes findings fail the command (exit status 3).
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';
import { parseKeyValueFlags } from '../build-flags.js';
import { readDockerfile } from './plan.js';

interface CheckFlags {
  file?: string;
  buildArg: string[];
}

export function register(program: Command): Command {
  return program
    .command('check')
    .description('Check a Dockerfile against the build-check rules, without building')
    .argument('<context>', 'build context directory')
    .option('-f, --file <file>', 'Dockerfile path (default: CONTEXT/Dockerfile)')
    .option('--build-arg <key=value>', 'set a build-time variable (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .action(async (context: string, flags: CheckFlags) => {
      const dockerfile = await readDockerfile(context, flags.file);
      const { runChecks, formatFinding } = await import('../../planner/index.js');
      const { findings, config } = await runChecks(dockerfile, parseKeyValueFlags(flags.buildArg));
      for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
      if (config.error && findings.length > 0) {
        throw new TsbuildError('CHECK_FAILED', `${findings.length} build check${findings.length === 1 ? '' : 's'} failed (check=error=true)`);
      }
    });
}
