// COPY, ADD and WORKDIR: file steps. Sources come from the context, another stage, an image,
// a URL, a git repository or a heredoc; destinations resolve against the working directory.
import { posix } from 'node:path';
import type { AddInstruction, CopyInstruction, Heredoc, WorkdirInstruction } from '../parser/index.js';
import type { PlanContext } from './context.js';
import { configStep } from './dispatch-config.js';
import { expandAt, expandInStage } from './scope.js';
import { copyStepName } from './step-name.js';
import { workdirOf } from './stage-state.js';
import type { StageState } from './stage-state.js';
import type { CopyFileOp, FileSource, StepId } from './types.js';
import { isGitSource } from '../spec/index.js';

export async function dispatchCopy(
  ctx: PlanContext,
  state: StageState,
  ins: CopyInstruction | AddInstruction,
): Promise<StageState> {
  const word = (text: string) => expandInStage(ctx, state, text, ins.range);
  const stageName = state.stage.name ?? `stage-${state.stage.index}`;
  const laterStage = (name: string) => `cannot copy from stage "${name}", it needs to be defined before current stage "${stageName}"`;
  const fromStep = ins.from !== undefined ? await ctx.resolveFrom(fromWord(ctx, ins), state, ins.range, laterStage) : undefined;
  // Heredoc words are not in `sources`: the parser moves them to `heredocs` (BuildKit's SourceContents).
  const paths = ins.sources.map(word);
  const sources: FileSource[] = [
    ...paths.map((path) => copySource(ctx, ins, path, fromStep)),
    ...ins.heredocs.map((h): FileSource => ({ kind: 'heredoc', name: h.name, content: heredocContent(ctx, state, h, ins) })),
  ];
  const rawDest = word(ins.dest);
  if (sources.length > 1 && !rawDest.endsWith('/')) {
    throw ctx.invalid(`When using ${ins.kind} with more than one source file, the destination must be a directory and end with a /`, ins.range);
  }
  const dest = posix.resolve('/', workdirOf(state), rawDest) + (rawDest.endsWith('/') && rawDest !== '/' ? '/' : '');
  const op: CopyFileOp = {
    kind: 'file', action: 'copy', command: ins.kind, sources, dest,
    // BuildKit's NormalizePath keeps `.` and `` as "the working directory", a directory even when absent (a --link layer).
    destIsDir: rawDest.endsWith('/') || rawDest.endsWith('/.') || rawDest === '.' || rawDest === '' || sources.length > 1,
    ...(ins.chown !== undefined ? { chown: word(ins.chown) } : {}),
    ...(ins.chmod !== undefined ? { chmod: word(ins.chmod) } : {}),
    link: ins.link, parents: ins.parents, exclude: ins.exclude.map(word),
    platform: ctx.platformOf(state),
    ...addOnly(ctx, ins, sources, word),
  };
  const inputs: StepId[] = fromStep ? [state.head, fromStep] : [state.head];
  const name = copyStepName(ins.original, state, ctx.escape);
  const history = copyHistory(ins.kind, op, [...paths, ...ins.heredocs.map((h) => `<<${h.name}`)], rawDest);
  return { ...state, head: ctx.addStep(op, inputs, state.stage, ins.original, ins.range, { name, history }) };
}

/**
 * BuildKit's history line of COPY/ADD: the command, its --parents/--chown/--chmod, then the
 * sources (heredocs by name) and destination as expanded; no other flag (`--from`, `--link`).
 */
function copyHistory(command: 'COPY' | 'ADD', op: CopyFileOp, sources: string[], dest: string): string {
  const flags = [
    ...(op.parents ? ['--parents'] : []),
    ...(op.chown ? [`--chown=${op.chown}`] : []),
    ...(op.chmod ? [`--chmod=${op.chmod}`] : []),
  ];
  return [command, ...flags, ...sources, dest].join(' ');
}

function addOnly(
  ctx: PlanContext,
  ins: CopyInstruction | AddInstruction,
  sources: FileSource[],
  word: (text: string) => string,
): Partial<CopyFileOp> {
  if (ins.kind === 'COPY') return {};
  if (ins.checksum !== undefined && sources.some((s) => s.kind !== 'url' && s.kind !== 'git')) {
    throw ctx.invalid('checksum can\'t be specified for non-HTTP(S) sources', ins.range);
  }
  const checksum = ins.checksum === undefined ? undefined : word(ins.checksum);
  // BuildKit's git source takes a commit hash or a prefix of one.
  if (checksum !== undefined && sources[0]?.kind === 'git' && !/^[0-9a-fA-F]+$/.test(checksum)) {
    throw ctx.invalid(`invalid checksum ${checksum} for Git URL, expected hex commit hash`, ins.range);
  }
  return {
    ...(checksum !== undefined ? { checksum } : {}),
    ...(ins.unpack !== undefined ? { unpack: ins.unpack } : {}),
  };
}

function copySource(ctx: PlanContext, ins: CopyInstruction | AddInstruction, path: string, fromStep: StepId | undefined): FileSource {
  if (fromStep) return { kind: 'step', step: fromStep, path };
  if (isGitSource(path)) {
    if (ins.kind === 'COPY') throw ctx.invalid(`source can't be a git ref for COPY: ${path}`, ins.range);
    return { kind: 'git', url: path, keepGitDir: ins.keepGitDir };
  }
  if (/^https?:\/\//i.test(path)) {
    if (ins.kind === 'COPY') throw ctx.invalid(`source can't be a URL for COPY: ${path}`, ins.range);
    return { kind: 'url', url: path };
  }
  return { kind: 'context', path };
}

/**
 * Unquoted heredoc bodies are expanded like BuildKit's raw lexer: escape `\` whatever the
 * `# escape=` directive, quotes kept as text (SkipProcessQuotes).
 */
function heredocContent(ctx: PlanContext, state: StageState, heredoc: Heredoc, ins: CopyInstruction | AddInstruction): string {
  if (!heredoc.expand || !/[$\\]/.test(heredoc.content)) return heredoc.content;
  const protectedText = heredoc.content.replace(/["']/g, (q) => `\\${q}`);
  return expandInStage(ctx, state, protectedText, ins.range, '\\');
}

/** `--from` is taken as written: BuildKit refuses anything an expansion would change. */
function fromWord(ctx: PlanContext, ins: CopyInstruction | AddInstruction): string {
  const from = ins.from ?? '';
  if (expandAt(ctx, from, () => undefined, ins.range).value !== from) {
    throw ctx.invalid('variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround', ins.range);
  }
  return from;
}

export function dispatchWorkdir(ctx: PlanContext, state: StageState, ins: WorkdirInstruction): StageState {
  const raw = expandInStage(ctx, state, ins.path, ins.range);
  if (raw === '') throw ctx.invalid('WORKDIR requires a non-empty path', ins.range);
  const workdir = posix.resolve('/', workdirOf(state), raw);
  if (workdir === '/') return configStep(ctx, state, ins, { WorkingDir: workdir });
  const op = { kind: 'file' as const, action: 'mkdir' as const, path: workdir, mode: 0o755, user: state.config.User ?? '' };
  const head = ctx.addStep(op, [state.head], state.stage, ins.original, ins.range);
  return { ...state, head, config: { ...state.config, WorkingDir: workdir } };
}
