// The shape of one ported BuildKit frontend test: a context, a Dockerfile, the build flags, and the
// Go test's assertions on the exported filesystem (`-o type=local`), the image config or the error.
import type { BuildEvent } from '../../../src/executor/events.js';
import type { BuildOptions, OutputSpec } from '../../../src/executor/options.js';
import type { ImageConfig } from '../../../src/spec/types.js';
import type { FileSpec } from '../../build/helpers.js';

/** The flags a case may pass (context, root, outputs and runtime are the harness's). */
export type CaseOptions = Pick<BuildOptions,
  'buildArgs' | 'target' | 'platforms' | 'labels' | 'noCache' | 'secrets' | 'ssh' | 'network' | 'allow' |
  'sourceDateEpoch' | 'dockerfile' | 'tags' | 'buildContexts' | 'cacheFrom' | 'cacheTo' | 'noCacheFilter' | 'registry' | 'runLimits' | 'shmSize' | 'ulimits'>;

/** What a case's `prepare` made that its builds name: a server's URL, a cache directory, commits. */
export type Vars = Record<string, string>;

/**
 * The CLI's build input (`tsbuild build [-f FILE] CONTEXT`, through `openBuildInput`): `context`
 * `.` is the directory written from `files`, else `-` (stdin) or a URL; a relative `file` of a
 * `.` context is inside it.
 */
export interface InputSpec {
  context: string;
  file?: string;
  stdin?: string | Buffer;
}

export interface BuildSpec {
  /** Context files; `Dockerfile` is written from `dockerfile` unless this sets it. */
  files?: Record<string, FileSpec>;
  /** Dockerfile text; omitted when `files` holds the Dockerfile (e.g. under another name). */
  dockerfile?: string;
  /** Context paths where a listening unix socket is made for the build (fstest.CreateSocket). */
  sockets?: string[];
  options?: CaseOptions | ((vars: Vars) => CaseOptions);
  /** Build from the CLI's input forms instead of the `files` directory. */
  input?: (vars: Vars) => InputSpec;
  /** The exports; default `-o type=local,dest=<dest>` (file outputs go inside `dest`). */
  outputs?: (dest: string, vars: Vars) => OutputSpec[];
  /** Build in a new root with only the base images (BuildKit's ensurePruneAll). */
  freshRoot?: boolean;
}

/** What a build produced, handed to the assertions. */
export interface BuildOutcome {
  /** The `-o type=local` export directory (empty when the build failed). */
  dest: string;
  config?: ImageConfig;
  /** The image's manifest (or index) digest and its config digest. */
  digest?: string;
  imageId?: string;
  error?: Error;
  events: BuildEvent[];
}

export interface FrontendCase extends BuildSpec {
  /** Unique name: the Go test's name, with `/variant` when one Go test gives several cases. */
  name: string;
  /** The Go source file of moby/buildkit `frontend/dockerfile/` the test comes from. */
  source: string;
  /** Use the two-platform busybox index (linux/amd64 + linux/arm64) as `busybox:latest`. */
  multiPlatform?: boolean;
  /** Exported files: exact content, a pattern, or `null` for must-not-exist. */
  exported?: Record<string, string | RegExp | null>;
  /** The build must fail, and the error text contain each of these. */
  error?: (string | RegExp)[];
  /** Further assertions (node:assert); gets every build's outcome, first build first, and `prepare`'s vars. */
  verify?: (outcome: BuildOutcome, later: BuildOutcome[], vars: Vars) => void | Promise<void>;
  /**
   * Starts what the test's session provides (an echo server, an ssh agent, named contexts); its
   * options are merged in. Gets the case's root, for images the test builds or pushes first.
   */
  prepare?: (root: string) => Promise<Prepared>;
  /** Builds run after the first in the same root (cache behaviour). */
  then?: BuildSpec[];
}

export interface Prepared {
  options: CaseOptions;
  vars?: Vars;
  dispose(): Promise<void>;
}
