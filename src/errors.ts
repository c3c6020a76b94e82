// The one error family of tsbuild: every error a user can see has a stable `code`.

/** Stable machine-readable error codes; the CLI maps them to exit statuses. */
export type ErrorCode =
  | 'DOCKERFILE_SYNTAX'
  | 'DOCKERFILE_UNSUPPORTED'
  | 'PLAN_INVALID'
  | 'CHECK_FAILED'
  | 'USAGE'
  | 'NOT_FOUND'
  | 'REGISTRY'
  | 'CACHE_BACKEND'
  | 'DIGEST_MISMATCH'
  | 'STORE'
  | 'SANDBOX'
  | 'ROOTLESS'
  | 'STEP_FAILED'
  | 'CANCELLED'
  | 'INTERNAL';

/** Where in a Dockerfile something is. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
}

export class TsbuildError extends Error {
  readonly code: ErrorCode;
  /**
   * What a command-line user types to fix it (`--secret id=x,src=FILE`): the message itself names
   * options neutrally (an API user never typed a flag) and the CLI adds this.
   */
  readonly cliHint: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; cliHint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    this.cliHint = options?.cliHint;
  }
}

/** A Dockerfile that cannot be parsed or is invalid; always names the line. */
export class DockerfileSyntaxError extends TsbuildError {
  readonly location: SourceLocation;
  /** The offending source text, when there is one. */
  readonly text: string | undefined;
  /** A did-you-mean hint, e.g. `FROM` for `FROOM`. */
  readonly suggestion: string | undefined;

  constructor(
    message: string,
    location: SourceLocation,
    details: { text?: string; suggestion?: string; code?: ErrorCode; cause?: unknown } = {},
  ) {
    super(details.code ?? 'DOCKERFILE_SYNTAX', formatAt(location, message, details.suggestion), {
      cause: details.cause,
    });
    this.location = location;
    this.text = details.text;
    this.suggestion = details.suggestion;
  }
}

/** A valid Dockerfile feature that tsbuild does not implement yet. */
export class UnsupportedFeatureError extends DockerfileSyntaxError {
  constructor(feature: string, location: SourceLocation) {
    super(`${feature} is not supported by tsbuild yet`, location, { code: 'DOCKERFILE_UNSUPPORTED' });
  }
}

function formatAt(location: SourceLocation, message: string, suggestion?: string): string {
  const hint = suggestion ? ` (did you mean ${suggestion}?)` : '';
  return `${location.file}:${location.line}: ${message}${hint}`;
}

/** A RUN step exited non-zero; the message has the command, the Dockerfile line and the output tail. */
export class StepFailedError extends TsbuildError {
  readonly exitCode: number;
  readonly location: SourceLocation | undefined;

  constructor(message: string, exitCode: number, location?: SourceLocation) {
    super('STEP_FAILED', location ? `${location.file}:${location.line}: ${message}` : message);
    this.exitCode = exitCode;
    this.location = location;
  }
}
