// The immutable per-stage state (BuildKit's dispatchState without the mutation): the current
// head step, ARGs in scope, and the image config so far. Every instruction returns a new one.
import { DEFAULT_PATH } from '../spec/index.js';
import type { ContainerConfig, Platform } from '../spec/index.js';
import type { StageRef, StepId } from './types.js';

export interface StageState {
  readonly stage: StageRef;
  /** The platform this stage runs as (`FROM --platform`, else the target platform). */
  readonly platform: Platform;
  /** The last step of the stage so far. */
  readonly head: StepId;
  /** Container config so far: Env, User, WorkingDir, Shell, Cmd, ... */
  readonly config: Readonly<ContainerConfig>;
  readonly author?: string;
  /** ARGs declared in this stage: name -> value (undefined: declared without a value). */
  readonly args: ReadonlyMap<string, string | undefined>;
  /** False when the base image config is unknown (offline plan): its env/workdir are unknown. */
  readonly baseResolved: boolean;
  /** CMD was set in this stage (then ENTRYPOINT keeps it; otherwise it resets an inherited CMD). */
  readonly cmdSet: boolean;
}

const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** The shell of shell-form commands before any SHELL: BuildKit's default for the stage's OS. */
export function defaultShell(state: StageState): string[] {
  return state.platform.os === 'windows' ? ['cmd', '/S', '/C'] : DEFAULT_SHELL;
}

/** BuildKit gives images without PATH this default for RUN. */
export const DEFAULT_PATH_ENV = `PATH=${DEFAULT_PATH}`;

/** The container config of `FROM scratch` (BuildKit's emptyImage). */
export function scratchContainerConfig(os: string): ContainerConfig {
  return os === 'windows' ? { WorkingDir: '/' } : { Env: [DEFAULT_PATH_ENV], WorkingDir: '/' };
}

/**
 * BuildKit gives every image a PATH, the default one when the base image has none; except a
 * Windows image, whose PATH it leaves to the OS.
 */
export function withDefaultPath(config: ContainerConfig, os: string): ContainerConfig {
  if (os === 'windows') return config;
  const env = config.Env ?? [];
  return env.some((e) => e.startsWith('PATH=')) ? config : { ...config, Env: [DEFAULT_PATH_ENV, ...env] };
}

export function withArg(state: StageState, name: string, value: string | undefined): StageState {
  const args = new Map(state.args);
  args.set(name, value);
  return { ...state, args };
}

/** Sets (or replaces in place) `KEY=value` in an env list, like Docker. */
export function setEnv(env: readonly string[], key: string, value: string): string[] {
  const entry = `${key}=${value}`;
  const index = env.findIndex((e) => e === key || e.startsWith(`${key}=`));
  if (index < 0) return [...env, entry];
  return env.map((e, i) => (i === index ? entry : e));
}

export function workdirOf(state: StageState): string {
  return state.config.WorkingDir || '/';
}
