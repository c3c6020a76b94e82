// Plans stages on demand: a stage is planned when the target (or a stage it reads from) needs
// it, once per platform; a stage that is reached again while being planned is a cycle.
import type { SourceRange, Stage } from '../parser/index.js';
import type { PlanContext } from './context.js';
import { dispatchInstruction } from './dispatch.js';
import { parseOnbuildTriggers } from './onbuild.js';
import { expandGlobal, imageBase, namedFiles, namedImage, sourceImageRef, stagePlatform } from './stage-base.js';
import { namedFilesBase } from './named-context.js';
import type { StageState } from './stage-state.js';
import type { StageRef, StepId } from './types.js';

export class StagePlanner {
  private readonly planned = new Map<number, StageState>();
  private readonly inProgress = new Set<number>();
  private readonly stages: Stage[];

  constructor(private readonly ctx: PlanContext) {
    this.stages = ctx.dockerfile.stages;
    ctx.resolveFrom = (from, state, range, laterStage) => this.resolveFrom(from, state, range, laterStage);
  }

  /** The final state of stage `index`, planning it (and what it reads) first. */
  async stage(index: number, referrer?: SourceRange): Promise<StageState> {
    const done = this.planned.get(index);
    if (done) return done;
    const stage = this.stages[index];
    if (!stage) throw this.ctx.invalid(`invalid stage index ${index}`, referrer);
    if (this.inProgress.has(index)) {
      throw this.ctx.invalid(`circular dependency detected on stage: ${stageLabel(stage)}`, referrer ?? stage.from.range);
    }
    this.inProgress.add(index);
    // Continue from the microtask queue: a chain of thousands of stages that plan each other
    // (FROM, --from, from=) then waits in promises on the heap instead of nested stack frames.
    await Promise.resolve();
    const state = await this.planStage(stage);
    this.inProgress.delete(index);
    this.planned.set(index, state);
    return state;
  }

  /**
   * Index of the stage named `name` (case-insensitive) among those before `before`; with
   * duplicate names the last one wins, as in BuildKit (DuplicateStageName warns about it).
   */
  findByName(name: string, before = this.stages.length): number | undefined {
    const wanted = name.toLowerCase();
    for (let i = Math.min(before, this.stages.length) - 1; i >= 0; i--) {
      if (this.stages[i]?.from.stageName?.toLowerCase() === wanted) return i;
    }
    return undefined;
  }

  private async planStage(stage: Stage): Promise<StageState> {
    const ref: StageRef = { index: stage.index, ...(stage.from.stageName ? { name: stage.from.stageName } : {}) };
    let state = await this.baseState(stage, ref);
    const triggers = state.config.OnBuild ?? [];
    const instructions = [
      ...(triggers.length > 0 ? parseOnbuildTriggers(this.ctx, triggers, stage.from) : []),
      ...stage.instructions,
    ];
    if (triggers.length > 0) state = { ...state, config: { ...state.config, OnBuild: null } };
    // A stage replaced by a `--build-context` image is that image: its instructions are not run.
    const replaced = stage.from.stageName !== undefined && this.named(stage.from.stageName);
    for (const ins of replaced ? [] : instructions) state = await dispatchInstruction(this.ctx, state, ins);
    return state;
  }

  /** A `--build-context` of this name replaces the stage (or image) of that name. */
  private named(name: string): boolean {
    return namedImage(this.ctx, name) !== undefined || namedFiles(this.ctx, name) !== undefined;
  }

  private async baseState(stage: Stage, ref: StageRef): Promise<StageState> {
    const name = stage.from.stageName;
    const files = name === undefined ? undefined : namedFiles(this.ctx, name);
    if (name !== undefined && files) return namedFilesBase(this.ctx, ref, name, files, stagePlatform(this.ctx, stage) ?? this.ctx.platform);
    const replacement = name === undefined ? undefined : namedImage(this.ctx, name);
    if (replacement !== undefined) return imageBase(this.ctx, stage, ref, replacement, stagePlatform(this.ctx, stage) ?? this.ctx.platform);
    const expanded = expandGlobal(this.ctx, stage.from.image, stage);
    // Build checks go on past an empty base name (InvalidDefaultArgInFrom reports it).
    const image = expanded === '' && this.ctx.options.lint ? 'scratch' : expanded;
    if (image === '') throw this.ctx.invalid(`base name (${stage.from.image}) should not be blank`, stage.from.range);
    const platform = stagePlatform(this.ctx, stage);
    const baseIndex = this.findByName(image, stage.index);
    const baseFiles = baseIndex === undefined ? namedFiles(this.ctx, image) : undefined;
    if (baseFiles) return namedFilesBase(this.ctx, ref, image, baseFiles, platform ?? this.ctx.platform);
    if (baseIndex === undefined) return imageBase(this.ctx, stage, ref, image, platform ?? this.ctx.platform);
    const base = await this.stage(baseIndex, stage.from.range);
    return {
      ...base, stage: ref, platform: platform ?? base.platform,
      args: new Map(), cmdSet: false,
    };
  }

  /**
   * `--from` / `from=`: a stage index, a stage name, or else an image reference. With
   * `laterStage`, a stage defined after the current one is refused with that message.
   */
  private async resolveFrom(from: string, state: StageState, range: SourceRange, laterStage?: (name: string) => string): Promise<StepId> {
    const index = /^\d+$/.test(from) ? Number(from) : this.findByName(from);
    if (index === undefined) return this.imageSource(from, state, range);
    const { head } = await this.stage(index, range); // a cycle or a bad index is reported first, as in BuildKit
    if (laterStage && index > state.stage.index) throw this.ctx.invalid(laterStage(from), range);
    return head;
  }

  private imageSource(from: string, state: StageState, range: SourceRange): StepId {
    const files = namedFiles(this.ctx, from);
    if (files) return namedFilesBase(this.ctx, state.stage, from, files, this.ctx.platform).head;
    const image = sourceImageRef(this.ctx, from, range);
    const op = { kind: 'source' as const, image, platform: this.ctx.platformString };
    return this.ctx.addStep(op, [], state.stage, `FROM ${from}`);
  }
}

function stageLabel(stage: Stage): string {
  return stage.from.stageName ?? `stage-${stage.index}`;
}
