// Metadata instructions: ENV, LABEL, USER, EXPOSE, VOLUME, STOPSIGNAL, SHELL, ONBUILD, MAINTAINER
// and ARG. They change the stage state and add a `config` step; none touches the filesystem.
import type {
  ArgInstruction, EnvInstruction, ExposeInstruction, Instruction, LabelInstruction,
} from '../parser/index.js';
import type { PlanContext } from './context.js';
import { expandInStage, expandWordsInStage } from './scope.js';
import { setEnv, withArg } from './stage-state.js';
import type { StageState } from './stage-state.js';
import type { ConfigChange } from './types.js';

/** Adds a config step on top of the stage head and applies the change to the state. */
export function configStep(
  ctx: PlanContext, state: StageState, ins: Instruction, set: ConfigChange,
  createdBy = ins.original.replace(/\\?\r?\n\s*/g, ' ').trim(),
): StageState {
  const head = ctx.addStep({ kind: 'config', set, createdBy }, [state.head], state.stage, ins.original, ins.range);
  const { author, ...config } = set;
  return { ...state, head, config: { ...state.config, ...config }, ...(author !== undefined ? { author } : {}) };
}

export function dispatchEnv(ctx: PlanContext, state: StageState, ins: EnvInstruction): StageState {
  // All pairs are expanded with the state before the instruction: `ENV a=1 b=$a` sees the old a.
  const pairs = ins.vars.map(({ key, value }) => ({
    key: expandInStage(ctx, state, key, ins.range),
    value: expandInStage(ctx, state, value, ins.range),
  }));
  let env: string[] = [...(state.config.Env ?? [])];
  for (const { key, value } of pairs) env = setEnv(env, key, value);
  return configStep(ctx, state, ins, { Env: env });
}

export function dispatchLabel(ctx: PlanContext, state: StageState, ins: LabelInstruction): StageState {
  const labels = { ...(state.config.Labels ?? {}) };
  for (const { key, value } of ins.labels) {
    labels[expandInStage(ctx, state, key, ins.range)] = expandInStage(ctx, state, value, ins.range);
  }
  return configStep(ctx, state, ins, { Labels: labels });
}

export function dispatchExpose(ctx: PlanContext, state: StageState, ins: ExposeInstruction): StageState {
  const ports: Record<string, object> = { ...(state.config.ExposedPorts ?? {}) };
  const listed: string[] = [];
  // BuildKit's parser sorts the words as written; its history line lists every port of them.
  for (const word of [...ins.ports].sort()) {
    for (const spec of expandWordsInStage(ctx, state, word, ins.range)) listed.push(...exposedPorts(ctx, spec, ins));
  }
  for (const port of listed) ports[port] = {};
  return configStep(ctx, state, ins, { ExposedPorts: ports }, `EXPOSE [${listed.join(' ')}]`);
}

/** `80` -> `80/tcp`, `8000-8002/udp` -> each port; the protocol lower-cased. */
function exposedPorts(ctx: PlanContext, spec: string, ins: ExposeInstruction): string[] {
  const match = /^(?:.*:)?(\d+)(?:-(\d+))?(?:\/([a-zA-Z]+))?$/.exec(spec);
  if (!match) {
    throw ctx.invalid(`invalid containerPort: ${spec}`, ins.range);
  }
  const first = Number(match[1]);
  const last = match[2] !== undefined ? Number(match[2]) : first;
  const proto = (match[3] ?? 'tcp').toLowerCase();
  // Docker parses ports as 16-bit numbers (go-connections nat.ParsePortRange).
  if (last > 65535) throw ctx.invalid(`invalid port range: ${spec}: ports are 0-65535`, ins.range);
  if (last < first) throw ctx.invalid(`invalid port range: ${spec}`, ins.range);
  return Array.from({ length: last - first + 1 }, (_, i) => `${first + i}/${proto}`);
}

/** ARG changes only the scope; its empty config step gives it the history entry BuildKit writes. */
export function dispatchArg(ctx: PlanContext, state: StageState, ins: ArgInstruction): StageState {
  let next = state;
  for (const arg of ins.args) {
    ctx.tables.consumedArgs.add(arg.name);
    next = withArg(next, arg.name, argValue(ctx, next, arg, ins));
  }
  return configStep(ctx, next, ins, {});
}

/** `--build-arg` wins; then the default; then a global ARG's value; then a platform ARG. */
function argValue(
  ctx: PlanContext,
  state: StageState,
  arg: { name: string; default?: string },
  ins: ArgInstruction,
): string | undefined {
  const given = ctx.options.buildArgs[arg.name];
  if (given !== undefined) return given;
  if (arg.default !== undefined) return expandInStage(ctx, state, arg.default, ins.range);
  if (ctx.globalArgs.has(arg.name)) return ctx.globalArgs.get(arg.name);
  return ctx.platformArgs[arg.name];
}
