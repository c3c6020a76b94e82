// Every subcommand of the CLI. Each module exports `register(program)` that adds its command
// and returns it; command actions import the API lazily to keep start-up fast.
import type { Command } from 'commander';
import { register as registerVersion } from './version.js';

export type CommandRegistrar = (program: Command) => Command;

export const commandRegistrars: CommandRegistrar[] = [registerVersion];
