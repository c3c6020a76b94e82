// The mutable collector behind one planBuild call: the step table, warnings, consumed build
// args, and the per-platform constants (global ARGs, platform ARGs) that stage planning reads.
import { DockerfileSyntaxError } from '../errors.js';
import type { SourceLocation } from '../errors.js';
import type { Platform } from '../spec/index.js';
import type { Dockerfile, SourceRange } from '../parser/index.js';
import { MAX_EXPANDED_WORD } from '../parser/index.js';
import { formatPlatform } from '../spec/index.js';
import type { StageState } from './stage-state.js';
import { stepIdOf } from './step-id.js';
import type { Op, PlanOptions, PlanWarning, StageRef, Step, StepId } from './types.js';

/** Shared by every platform of one plan. */
export interface PlanTables {
  steps: Record<StepId, Step>;
  warnings: PlanWarning[];
  warningKeys: Set<string>;
  /** Build args some ARG instruction declared (global or in a planned stage). */
  consumedArgs: Set<string>;
}

/**
 * The most text the variable expansions of one platform's plan may produce (4 words of the
 * largest size). Each step carries and hashes its stage's config, so a plan costs about
 * steps × config size; this keeps a small Dockerfile from expanding into a large config.
 */
const MAX_EXPANDED_TOTAL = 4 * MAX_EXPANDED_WORD;

export class PlanContext {
  readonly file: string;
  /** Characters produced so far by expansions that used a variable. */
  private expandedChars = 0;
  readonly escape: '\\' | '`';
  readonly platformString: string;

  constructor(
    readonly dockerfile: Dockerfile,
    readonly options: PlanOptions,
    readonly platform: Platform,
    readonly tables: PlanTables,
    /** Global ARGs (before the first FROM) after build-arg overrides; undefined = no value. */
    readonly globalArgs: ReadonlyMap<string, string | undefined>,
    readonly platformArgs: Readonly<Record<string, string>>,
  ) {
    this.file = dockerfile.file;
    this.escape = dockerfile.directives.escape;
    this.platformString = formatPlatform(platform);
  }

  /** `--build-arg BUILDKIT_SANDBOX_HOSTNAME`: the hostname of RUN steps. */
  get sandboxHostname(): string | undefined {
    return this.options.buildArgs.BUILDKIT_SANDBOX_HOSTNAME || undefined;
  }

  at(range: SourceRange | undefined): SourceLocation {
    const start = range?.start ?? { line: 0, column: 0 };
    return { file: this.file, line: start.line, column: start.column, ...(range ? { endLine: range.end.line } : {}) };
  }

  warn(rule: string | undefined, message: string, range?: SourceRange): void {
    const key = `${rule ?? ''}|${range?.start.line ?? 0}|${message}`;
    if (this.tables.warningKeys.has(key)) return;
    this.tables.warningKeys.add(key);
    this.tables.warnings.push({ ...(rule ? { rule } : {}), message, ...(range ? { location: this.at(range) } : {}) });
  }

  /**
   * Resolves a `--from` / `from=` value (stage name, stage index or image reference) to the
   * step it reads, planning that stage first. Set by the stage planner.
   */
  resolveFrom: (from: string, state: StageState, range: SourceRange, laterStage?: (name: string) => string) => Promise<StepId> = () => {
    throw new Error('resolveFrom used before the stage planner set it');
  };

  platformOf(state: StageState): string {
    return formatPlatform(state.platform);
  }

  /** Counts the result of an expansion against MAX_EXPANDED_TOTAL. */
  countExpanded(length: number, range: SourceRange): void {
    this.expandedChars += length;
    if (this.expandedChars > MAX_EXPANDED_TOTAL) {
      throw this.invalid(`the expanded text of the Dockerfile adds up to more than ${MAX_EXPANDED_TOTAL >> 20} MiB`, range);
    }
  }

  /** A PLAN_INVALID error naming the Dockerfile line. */
  invalid(message: string, range: SourceRange | undefined): DockerfileSyntaxError {
    return new DockerfileSyntaxError(message, this.at(range), { code: 'PLAN_INVALID' });
  }

  /** Adds a step (or finds the equal one already planned) and returns its id. */
  addStep(op: Op, inputs: StepId[], stage: StageRef, instruction: string, range?: SourceRange, shown: { name?: string; history?: string } = {}): StepId {
    const id = stepIdOf(op, inputs);
    if (!this.tables.steps[id]) {
      const { name, history } = shown;
      this.tables.steps[id] = {
        id, op, inputs, stage, file: this.file, ...(range ? { range } : {}), instruction,
        ...(name !== undefined && name !== instruction ? { name } : {}), ...(history !== undefined && history !== instruction ? { history } : {}),
      };
    }
    return id;
  }
}
