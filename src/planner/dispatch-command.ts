// Container-default instructions: CMD, ENTRYPOINT, HEALTHCHECK, SHELL, USER, VOLUME, STOPSIGNAL,
// ONBUILD, MAINTAINER. CMD/ENTRYPOINT/HEALTHCHECK are not expanded by the builder.
import type {
  CmdInstruction, Command, EntrypointInstruction, HealthcheckInstruction, MaintainerInstruction,
  OnbuildInstruction, ShellInstruction, StopsignalInstruction, UserInstruction, VolumeInstruction,
} from '../parser/index.js';
import type { HealthConfig } from '../spec/index.js';
import type { PlanContext } from './context.js';
import { configStep } from './dispatch-config.js';
import { parseGoDuration } from '../spec/index.js';
import { expandInStage } from './scope.js';
import { defaultShell } from './stage-state.js';
import type { StageState } from './stage-state.js';

/** Shell form becomes `[...SHELL, script]`; exec form is taken as is. */
export function commandArgs(state: StageState, command: Command): string[] {
  if (command.form === 'exec') return [...command.args];
  return [...(state.config.Shell ?? defaultShell(state)), command.script];
}

export function dispatchCmd(ctx: PlanContext, state: StageState, ins: CmdInstruction): StageState {
  const next = configStep(ctx, state, ins, { Cmd: commandArgs(state, ins.command) });
  return { ...next, cmdSet: true };
}

/** ENTRYPOINT resets a CMD inherited from the base, but not one set earlier in this stage. */
export function dispatchEntrypoint(ctx: PlanContext, state: StageState, ins: EntrypointInstruction): StageState {
  const Entrypoint = commandArgs(state, ins.command);
  return configStep(ctx, state, ins, state.cmdSet ? { Entrypoint } : { Entrypoint, Cmd: null });
}

export function dispatchHealthcheck(ctx: PlanContext, state: StageState, ins: HealthcheckInstruction): StageState {
  if (ins.test.type === 'NONE') return configStep(ctx, state, ins, { Healthcheck: { Test: ['NONE'] } });
  const command = ins.test.command;
  const Test = command.form === 'exec' ? ['CMD', ...command.args] : ['CMD-SHELL', command.script];
  const health: HealthConfig = { Test };
  const { interval, timeout, startPeriod, startInterval, retries } = ins.options;
  const nanos = (text: string | undefined) => {
    if (text === undefined) return undefined;
    try {
      return parseGoDuration(text);
    } catch (error) {
      throw ctx.invalid((error as Error).message, ins.range);
    }
  };
  if (interval !== undefined) health.Interval = nanos(interval);
  if (timeout !== undefined) health.Timeout = nanos(timeout);
  if (startPeriod !== undefined) health.StartPeriod = nanos(startPeriod);
  if (startInterval !== undefined) health.StartInterval = nanos(startInterval);
  if (retries !== undefined) health.Retries = retries;
  return configStep(ctx, state, ins, { Healthcheck: health });
}

export function dispatchShell(ctx: PlanContext, state: StageState, ins: ShellInstruction): StageState {
  return configStep(ctx, state, ins, { Shell: [...ins.shell] });
}

export function dispatchUser(ctx: PlanContext, state: StageState, ins: UserInstruction): StageState {
  return configStep(ctx, state, ins, { User: expandInStage(ctx, state, ins.user, ins.range) });
}

export function dispatchVolume(ctx: PlanContext, state: StageState, ins: VolumeInstruction): StageState {
  const volumes: Record<string, object> = { ...(state.config.Volumes ?? {}) };
  for (const word of ins.volumes) {
    const value = expandInStage(ctx, state, word, ins.range);
    if (value.trim() === '') throw ctx.invalid('VOLUME specified can not be an empty string', ins.range);
    volumes[value] = {};
  }
  return configStep(ctx, state, ins, { Volumes: volumes });
}

export function dispatchStopsignal(ctx: PlanContext, state: StageState, ins: StopsignalInstruction): StageState {
  return configStep(ctx, state, ins, { StopSignal: expandInStage(ctx, state, ins.signal, ins.range) });
}

/** The trigger goes into the image config as written; it runs in a stage built FROM this image. */
export function dispatchOnbuild(ctx: PlanContext, state: StageState, ins: OnbuildInstruction): StageState {
  return configStep(ctx, state, ins, { OnBuild: [...(state.config.OnBuild ?? []), ins.expression] });
}

export function dispatchMaintainer(ctx: PlanContext, state: StageState, ins: MaintainerInstruction): StageState {
  return configStep(ctx, state, ins, { author: ins.maintainer });
}

