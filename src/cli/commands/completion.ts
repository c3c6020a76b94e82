// `tsbuild completion bash|zsh|fish`: prints the shell's completion script for tsbuild.
import { Argument } from 'commander';
import type { Command } from 'commander';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../completion-scripts.js';

export function register(program: Command): Command {
  return program
    .command('completion')
    .description('Print a shell completion script (e.g. source <(tsbuild completion bash))')
    .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
    .action((shell: CompletionShell) => {
      process.stdout.write(completionScript(program, shell));
    });
}
