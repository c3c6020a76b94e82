// The BuildPlan: a content-addressed DAG of build steps, pure JSON-serialisable data.
// The executor walks it; the cache keys are derived from step ids plus input content.
import type { SourceLocation } from '../errors.js';
import type { ContainerConfig, ImageConfig, Platform } from '../spec/index.js';
import type { SourceRange } from '../parser/index.js';

/**
 * `sha256:<hex>` of the canonical JSON (sorted keys, no whitespace) of `{ op, inputs }`.
 * Equal definitions get equal ids, within one plan and across plans. A step id is a
 * *definition* digest: base images are still references here, so the persistent cache key must
 * combine it with the resolved digests and the content checksums of what the step reads.
 */
export type StepId = string;

/** A platform as `os/arch[/variant]`, e.g. `linux/arm/v7`: the keys of `BuildPlan.targets`. */
export type PlatformString = string;

/** The whole build: one target step per requested platform, and every step they need. */
export interface BuildPlan {
  platforms: PlatformString[];
  /** The last step of the target stage, per platform. */
  targets: Record<PlatformString, StepId>;
  /** The image config (container part) of the target stage, per platform. */
  images: Record<PlatformString, PlannedImage>;
  steps: Record<StepId, Step>;
  /**
   * Proxy build args (`HTTP_PROXY` ...) given to every RUN process; kept out of step ids,
   * cache keys and image history, like BuildKit.
   */
  proxyEnv: string[];
  /**
   * The build's SOURCE_DATE_EPOCH in seconds as the Dockerfile frontend resolves it: `--build-arg`,
   * else the global ARG's default. Dates history, config and layer files.
   */
  sourceDateEpoch?: number;
}

/** What the exporter needs besides the layers: the final config and the history lines. */
export interface PlannedImage {
  /**
   * The target stage's container config. When the base image config was not resolved
   * (offline plan), this holds only what the Dockerfile sets, and `baseResolved` is false.
   */
  config: ContainerConfig;
  /** `MAINTAINER` value, written to the config's `author`. */
  author?: string;
  baseResolved: boolean;
}

/** Which stage an instruction belongs to; `name` as written (BuildKit lower-cases for lookup). */
export interface StageRef {
  index: number;
  name?: string;
}

/** One node of the DAG. Only `op` and `inputs` determine the id; the rest is provenance. */
export interface Step {
  id: StepId;
  op: Op;
  /** Steps whose output this step reads, in a fixed order: the parent filesystem first. */
  inputs: StepId[];
  /** The stage that first produced this definition (equal steps are shared between stages). */
  stage: StageRef;
  file: string;
  /** The Dockerfile lines of the instruction; absent for implicit steps (e.g. `COPY --from=image`). */
  range?: SourceRange;
  /** The instruction as written, for progress output and image history. */
  instruction: string;
  /** What progress output shows when it differs from `instruction`: a RUN with its variables expanded. */
  name?: string;
  /** The image history's `created_by` (without ` # buildkit`) when not `instruction`: COPY/ADD in BuildKit's form. */
  history?: string;
}

export type Op = SourceOp | ExecOp | FileOp | ConfigOp;

/** A base image (`FROM`, `COPY --from=image`, `RUN --mount from=image`), or `scratch`. */
export interface SourceOp {
  kind: 'source';
  /** Normalised reference (`docker.io/library/busybox:latest`), or `scratch`. */
  image: string;
  platform: PlatformString;
}

/** A `RUN`: the process to start on top of `inputs[0]` and what to mount beside it. */
export interface ExecOp {
  kind: 'exec';
  /** Exec-form argv; shell form is already wrapped as `[...SHELL, script]`. */
  args: string[];
  /** `KEY=value`: the image env plus ARGs in scope (ENV wins), in definition order. */
  env: string[];
  /** `KEY=value` of the stage's ARGs, for the history line (`RUN |1 V=1 ...`). */
  buildArgs: string[];
  /** As written after expansion (`user[:group]`), resolved through /etc/passwd at run time; '' = root. */
  user: string;
  cwd: string;
  mounts: PlannedMount[];
  network: 'default' | 'none' | 'host';
  security: 'sandbox' | 'insecure';
  platform: PlatformString;
  /** Files to place before the run, e.g. a heredoc script with a shebang at `/dev/pipes/EOF`. */
  files: HeredocFile[];
  /** `--build-arg BUILDKIT_SANDBOX_HOSTNAME`; default `buildkitsandbox`. */
  hostname?: string;
}

/** Where a `RUN --mount` or `COPY --from` reads from. Steps are also listed in `inputs`. */
export type MountFrom = { kind: 'context' } | { kind: 'step'; step: StepId };

/** `RUN --mount` after expansion, with BuildKit's defaults filled in and targets absolute. */
export type PlannedMount =
  | { type: 'bind'; target: string; source: string; from: MountFrom; readwrite: boolean }
  | {
      type: 'cache';
      target: string;
      id: string;
      from?: MountFrom;
      source: string;
      sharing: 'shared' | 'private' | 'locked';
      readonly: boolean;
      mode: number;
      uid: number;
      gid: number;
    }
  | { type: 'tmpfs'; target: string; size?: number }
  | {
      type: 'secret';
      id: string;
      target?: string;
      env?: string;
      required: boolean;
      mode: number;
      uid: number;
      gid: number;
    }
  | { type: 'ssh'; id: string; target: string; required: boolean; mode: number; uid: number; gid: number };

/** A file whose content is part of the step definition (heredocs). */
export interface HeredocFile {
  path: string;
  content: string;
  mode: number;
}

/** Where one `COPY`/`ADD` source comes from. */
export type FileSource =
  /** `context`: a `--build-context` directory by name; absent: the build context. */
  | { kind: 'context'; path: string; context?: string }
  | { kind: 'step'; step: StepId; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'git'; url: string; keepGitDir: boolean }
  | { kind: 'heredoc'; name: string; content: string };

/** `COPY`/`ADD` onto `inputs[0]` (or onto scratch with `--link`), or WORKDIR's mkdir. */
export type FileOp = CopyFileOp | MkdirFileOp;

export interface CopyFileOp {
  kind: 'file';
  action: 'copy';
  command: 'COPY' | 'ADD';
  sources: FileSource[];
  /** Absolute destination (relative ones resolved against the working directory). */
  dest: string;
  /** True when `dest` ends in `/` or there are several sources: copy *into* the directory. */
  destIsDir: boolean;
  chown?: string;
  chmod?: string;
  link: boolean;
  parents: boolean;
  exclude: string[];
  /** ADD only. */
  checksum?: string;
  /** ADD only: undefined = Docker's default (local archives unpacked, URLs not). */
  unpack?: boolean;
  /** The stage's platform (an ADD'ed archive or a `--from` image is read for it). */
  platform: PlatformString;
}

/** `WORKDIR` creates its directory (parents too, mode 0755) like BuildKit. */
export interface MkdirFileOp {
  kind: 'file';
  action: 'mkdir';
  path: string;
  mode: number;
  /** Owner of created directories: the USER in effect ('' = root). */
  user: string;
}

/**
 * A metadata-only change of the image config (ENV, USER, CMD, LABEL, ...); ARG gives an empty
 * `set` (it changes only the variable scope, but has a history entry like in BuildKit).
 */
export interface ConfigOp {
  kind: 'config';
  /** The fields this instruction sets, with values after expansion. */
  set: ConfigChange;
  /**
   * The instruction as written, on one line: the image history's `created_by`. Part of the
   * definition so that `ARG A` and `ARG B` (both changing nothing) stay different steps.
   */
  createdBy: string;
}

/** Fields of ContainerConfig an instruction changes (`Env` as the full list after the change). */
export type ConfigChange = Partial<ContainerConfig> & { author?: string };

/** Options of `planBuild`. */
export interface PlanOptions {
  /** `--build-arg` values; they override ARG defaults and are never expanded. */
  buildArgs: Record<string, string>;
  /** Stage name or index to build; default: the last stage. */
  target?: string;
  /** Target platforms; one plan target per entry. */
  platforms: Platform[];
  /** The platform tsbuild runs on (BUILDPLATFORM). */
  buildPlatform: Platform;
  /**
   * Resolves a base image config (env, workdir, user, shell, OnBuild ...). Undefined, or
   * returning undefined: the base is planned as a reference with an empty config (offline).
   */
  resolveImageConfig?: (ref: string, platform: Platform) => Promise<ImageConfig | undefined>;
  /**
   * Planning for build checks (`tsbuild check`): every stage is planned, not only those the
   * target reaches, and a base image reference that is invalid is kept as written (the
   * InvalidDefaultArgInFrom check reports it) instead of failing the plan.
   */
  lint?: boolean;
  /** `--build-context name=docker-image://ref`: image references that replace a stage, FROM or `--from` named `name`. */
  namedImages?: Record<string, string>;
  /** `--build-context` file trees (a directory, a git URL, a file URL) by name: the same replacement, by their files. */
  namedFiles?: Record<string, NamedFiles>;
  /**
   * The date (seconds) of a remote file, for `SOURCE_DATE_EPOCH=<stage>` whose stage ADDs it:
   * its Last-Modified, else its newest archived file. Undefined (offline plan): no date.
   */
  resolveSourceEpoch?: (url: string, checksum: string | undefined) => Promise<number | undefined>;
  /** The date (seconds) of a remote build context, for `SOURCE_DATE_EPOCH=context`: its commit, Last-Modified or newest archived file. */
  contextEpoch?: number;
}

/** A `--build-context` that is files, not an image: a local directory, or a URL (git or one file). */
export type NamedFiles = { kind: 'dir' } | { kind: 'url'; url: string };

/** A non-fatal finding while planning (unused build args, undefined variables ...). */
export interface PlanWarning {
  /** Build-check rule name when the warning is one (e.g. `UndefinedVar`). */
  rule?: string;
  message: string;
  location?: SourceLocation;
}

export interface PlanResult {
  plan: BuildPlan;
  warnings: PlanWarning[];
}
