// RUN --mount: options expanded in the stage scope, BuildKit's defaults filled in, `from=`
// resolved to a stage or image step, targets made absolute against the working directory.
import { posix } from 'node:path';
import { MountError, parseMount } from '../parser/index.js';
import type { MountSpec, RunInstruction } from '../parser/index.js';
import type { PlanContext } from './context.js';
import { expandInStage } from './scope.js';
import { workdirOf } from './stage-state.js';
import type { StageState } from './stage-state.js';
import type { MountFrom, PlannedMount, StepId } from './types.js';

export async function planMounts(
  ctx: PlanContext,
  state: StageState,
  ins: RunInstruction,
): Promise<{ mounts: PlannedMount[]; inputs: StepId[] }> {
  const mounts: PlannedMount[] = [];
  const inputs: StepId[] = [];
  let sshCount = 0;
  for (const written of ins.mounts) {
    const expand = (text: string) => expandInStage(ctx, state, text, ins.range);
    // A deferred mount is parsed with its values expanded once; its fields are then taken as they are.
    const spec = written.type === 'deferred' ? parseExpanded(ctx, ins, written.raw, expand) : written;
    const word = written.type === 'deferred' ? (text: string) => text : expand;
    const target = (text: string | undefined) => (text === undefined ? undefined : absolute(state, word(text)));
    const from = async (text: string | undefined): Promise<MountFrom | undefined> => {
      if (text === undefined) return undefined;
      const mountTarget = 'target' in spec && spec.target !== undefined ? word(spec.target) : '';
      const laterStage = (name: string) => `cannot mount from stage "${name}" to "${mountTarget}", stage needs to be defined before current command`;
      const step = await ctx.resolveFrom(word(text), state, ins.range, laterStage);
      inputs.push(step);
      return { kind: 'step', step };
    };
    mounts.push(await planMount(spec, { word, target, from, sshIndex: () => sshCount++, ctx, ins }));
  }
  return { mounts, inputs: [...new Set(inputs)] };
}

function parseExpanded(ctx: PlanContext, ins: RunInstruction, raw: string, expand: (text: string) => string): ParsedMount {
  try {
    return parseMount(raw, expand) as ParsedMount;
  } catch (error) {
    if (error instanceof MountError) throw ctx.invalid(error.message, ins.range);
    throw error;
  }
}

type ParsedMount = Exclude<MountSpec, { type: 'deferred' }>;

interface MountHelpers {
  word: (text: string) => string;
  target: (text: string | undefined) => string | undefined;
  from: (text: string | undefined) => Promise<MountFrom | undefined>;
  sshIndex: () => number;
  ctx: PlanContext;
  ins: RunInstruction;
}

async function planMount(spec: ParsedMount, h: MountHelpers): Promise<PlannedMount> {
  switch (spec.type) {
    case 'bind': {
      const target = requireTarget(h, spec.target);
      const from = (await h.from(spec.from)) ?? { kind: 'context' };
      return { type: 'bind', target, source: h.word(spec.source ?? '/'), from, readwrite: spec.readwrite };
    }
    case 'cache': {
      const target = requireTarget(h, spec.target);
      const from = await h.from(spec.from);
      return {
        type: 'cache', target, id: spec.id !== undefined ? h.word(spec.id) : target,
        ...(from ? { from } : {}), source: h.word(spec.source ?? '/'), sharing: spec.sharing,
        readonly: spec.readonly, mode: spec.mode ?? 0o755, uid: spec.uid ?? 0, gid: spec.gid ?? 0,
      };
    }
    case 'tmpfs':
      return { type: 'tmpfs', target: requireTarget(h, spec.target), ...(spec.size !== undefined ? { size: spec.size } : {}) };
    case 'secret':
      return planSecret(spec, h);
    case 'ssh': {
      const target = h.target(spec.target) ?? `/run/buildkit/ssh_agent.${h.sshIndex()}`;
      return {
        type: 'ssh', id: spec.id !== undefined ? h.word(spec.id) : 'default', target, required: spec.required,
        mode: spec.mode ?? 0o600, uid: spec.uid ?? 0, gid: spec.gid ?? 0,
      };
    }
    default: {
      const unhandled: never = spec;
      return unhandled;
    }
  }
}

/** A secret's id defaults to its target's base name, its target to /run/secrets/<id>. */
function planSecret(spec: Extract<MountSpec, { type: 'secret' }>, h: MountHelpers): PlannedMount {
  const explicitTarget = h.target(spec.target);
  const env = spec.env !== undefined ? h.word(spec.env) : undefined;
  const id = spec.id !== undefined ? h.word(spec.id) : explicitTarget ? posix.basename(explicitTarget) : undefined;
  if (!id) throw h.ctx.invalid('secret mount needs an id or a target', h.ins.range);
  const target = explicitTarget ?? (env === undefined ? `/run/secrets/${id}` : undefined);
  return {
    type: 'secret', id, ...(target ? { target } : {}), ...(env !== undefined ? { env } : {}),
    required: spec.required, mode: spec.mode ?? 0o400, uid: spec.uid ?? 0, gid: spec.gid ?? 0,
  };
}

function requireTarget(h: MountHelpers, text: string): string {
  const target = h.target(text);
  if (!target) throw h.ctx.invalid('mount target is required', h.ins.range);
  return target;
}

function absolute(state: StageState, path: string): string {
  return posix.resolve('/', workdirOf(state), path);
}
