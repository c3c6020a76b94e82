// One switch over instruction kinds: each instruction turns a stage state into the next one.
import type { Stage } from '../parser/index.js';
import type { PlanContext } from './context.js';
import {
  dispatchCmd, dispatchEntrypoint, dispatchHealthcheck, dispatchMaintainer, dispatchOnbuild,
  dispatchShell, dispatchStopsignal, dispatchUser, dispatchVolume,
} from './dispatch-command.js';
import { dispatchArg, dispatchEnv, dispatchExpose, dispatchLabel } from './dispatch-config.js';
import { dispatchCopy, dispatchWorkdir } from './dispatch-file.js';
import { dispatchRun } from './dispatch-run.js';
import type { StageState } from './stage-state.js';

export type StageInstruction = Stage['instructions'][number];

export async function dispatchInstruction(
  ctx: PlanContext,
  state: StageState,
  ins: StageInstruction,
): Promise<StageState> {
  switch (ins.kind) {
    case 'RUN':
      return dispatchRun(ctx, state, ins);
    case 'COPY':
    case 'ADD':
      return dispatchCopy(ctx, state, ins);
    case 'WORKDIR':
      return dispatchWorkdir(ctx, state, ins);
    case 'ARG':
      return dispatchArg(ctx, state, ins);
    case 'ENV':
      return dispatchEnv(ctx, state, ins);
    case 'LABEL':
      return dispatchLabel(ctx, state, ins);
    case 'EXPOSE':
      return dispatchExpose(ctx, state, ins);
    case 'CMD':
      return dispatchCmd(ctx, state, ins);
    case 'ENTRYPOINT':
      return dispatchEntrypoint(ctx, state, ins);
    case 'HEALTHCHECK':
      return dispatchHealthcheck(ctx, state, ins);
    case 'SHELL':
      return dispatchShell(ctx, state, ins);
    case 'USER':
      return dispatchUser(ctx, state, ins);
    case 'VOLUME':
      return dispatchVolume(ctx, state, ins);
    case 'STOPSIGNAL':
      return dispatchStopsignal(ctx, state, ins);
    case 'ONBUILD':
      return dispatchOnbuild(ctx, state, ins);
    case 'MAINTAINER':
      return dispatchMaintainer(ctx, state, ins);
    default: {
      const unhandled: never = ins;
      return unhandled;
    }
  }
}
