// Every subcommand of the CLI. Each module exports `register(program)` that adds its command
// and returns it; command actions import the API lazily to keep start-up fast.
import type { Command } from 'commander';
import { register as registerVersion } from './version.js';
import { register as registerBuild } from './build.js';
import { register as registerPrune, registerCache } from './prune.js';
import { register as registerPull } from './pull.js';
import { register as registerPush } from './push.js';
import { register as registerLogin } from './login.js';
import { register as registerLogout } from './logout.js';
import { register as registerPlan } from './plan.js';
import { register as registerCheck } from './check.js';
import { register as registerImages } from './images.js';
import { register as registerTag } from './tag.js';
import { register as registerRmi } from './rmi.js';
import { register as registerInspect } from './inspect.js';
import { register as registerHistory } from './history.js';
import { register as registerSave } from './save.js';
import { register as registerLoad } from './load.js';
import { register as registerImport } from './import.js';
import { register as registerRun } from './run.js';
import { register as registerStore } from './store.js';
import { register as registerCompletion } from './completion.js';
import { register as registerContainers } from './containers.js';
import { register as registerExec } from './exec.js';

export type CommandRegistrar = (program: Command) => Command;

export const commandRegistrars: CommandRegistrar[] = [
  registerBuild, registerRun, registerExec, registerContainers, registerPlan, registerCheck,
  registerPull, registerPush, registerImages, registerTag, registerRmi, registerInspect, registerHistory,
  registerSave, registerLoad, registerImport, registerLogin, registerLogout,
  registerPrune, registerCache, registerStore, registerVersion, registerCompletion,
];
