// Typed Dockerfile instructions: what the parser produces and the planner consumes.
// Values are kept as written (variables unexpanded); the planner expands them with the
// stage's ARG/ENV scope, exactly where BuildKit does.

/** A position in the Dockerfile; lines and columns are 1-based. */
export interface Position {
  line: number;
  column: number;
}

/** The source lines an instruction spans (continuations and heredoc bodies included). */
export interface SourceRange {
  start: Position;
  end: Position;
}

/** Parser directives from the top of the file (`# syntax=`, `# escape=`, `# check=`). */
export interface Directives {
  syntax?: string;
  escape: '\\' | '`';
  /** Raw value of `# check=`, e.g. `skip=JSONArgsRecommended;error=true`. */
  check?: string;
}

/** A heredoc body attached to RUN, COPY or ADD (`<<EOF` ... `EOF`). */
export interface Heredoc {
  /** The delimiter word, without quotes or `-`. */
  name: string;
  /** The body, with `<<-` leading tabs already removed. */
  content: string;
  /** False when the delimiter was quoted: the body is taken literally. */
  expand: boolean;
  /** True for `<<-`. */
  chomp: boolean;
}

/** Shell form (`RUN echo hi`) runs through SHELL; exec form (`RUN ["echo","hi"]`) does not. */
export type Command =
  | { form: 'shell'; script: string; heredocs: Heredoc[] }
  | { form: 'exec'; args: string[] };

export interface KeyValue {
  key: string;
  value: string;
}

/** `RUN --mount=...`, one variant per mount type; option values unexpanded. */
export type MountSpec =
  /** Options that use variables: parsed once they are expanded in the stage (BuildKit). */
  | { type: 'deferred'; raw: string }
  | { type: 'bind'; target: string; source?: string; from?: string; readwrite: boolean }
  | {
      type: 'cache';
      target: string;
      id?: string;
      source?: string;
      from?: string;
      sharing: 'shared' | 'private' | 'locked';
      readonly: boolean;
      mode?: number;
      uid?: number;
      gid?: number;
    }
  | { type: 'tmpfs'; target: string; size?: number }
  | {
      type: 'secret';
      id?: string;
      target?: string;
      env?: string;
      required: boolean;
      mode?: number;
      uid?: number;
      gid?: number;
    }
  | { type: 'ssh'; id?: string; target?: string; required: boolean; mode?: number; uid?: number; gid?: number };

interface InstructionBase {
  range: SourceRange;
  /** The instruction as written, continuations joined; used in errors and image history. */
  original: string;
}

/** `FROM [--platform=P] image [AS name]` */
export interface FromInstruction extends InstructionBase {
  kind: 'FROM';
  image: string;
  platform?: string;
  stageName?: string;
}

/** `RUN [--mount=...] [--network=...] [--security=...] command` */
export interface RunInstruction extends InstructionBase {
  kind: 'RUN';
  command: Command;
  mounts: MountSpec[];
  network?: 'default' | 'none' | 'host';
  security?: 'sandbox' | 'insecure';
}

/** `CMD command` */
export interface CmdInstruction extends InstructionBase {
  kind: 'CMD';
  command: Command;
}

/** `ENTRYPOINT command` */
export interface EntrypointInstruction extends InstructionBase {
  kind: 'ENTRYPOINT';
  command: Command;
}

/** `LABEL k=v [k=v...]` */
export interface LabelInstruction extends InstructionBase {
  kind: 'LABEL';
  labels: KeyValue[];
}

/** `MAINTAINER name` (deprecated) */
export interface MaintainerInstruction extends InstructionBase {
  kind: 'MAINTAINER';
  maintainer: string;
}

/** `EXPOSE 80/tcp 53/udp` */
export interface ExposeInstruction extends InstructionBase {
  kind: 'EXPOSE';
  ports: string[];
}

/** `ENV k=v ...` or legacy `ENV k v` */
export interface EnvInstruction extends InstructionBase {
  kind: 'ENV';
  vars: KeyValue[];
}

/** Flags shared by COPY and ADD. */
export interface FileCopyFlags {
  from?: string;
  chown?: string;
  chmod?: string;
  link: boolean;
  parents: boolean;
  exclude: string[];
}

/** `COPY [flags] src... dest`, sources may be heredocs */
export interface CopyInstruction extends InstructionBase, FileCopyFlags {
  kind: 'COPY';
  sources: string[];
  dest: string;
  heredocs: Heredoc[];
}

/** `ADD [flags] src... dest` (URLs, git repositories, auto-extracted archives) */
export interface AddInstruction extends InstructionBase, FileCopyFlags {
  kind: 'ADD';
  sources: string[];
  dest: string;
  heredocs: Heredoc[];
  checksum?: string;
  keepGitDir: boolean;
  /** `--unpack`: undefined means Docker's default (local archives unpacked, URLs not). */
  unpack?: boolean;
}

/** `VOLUME /a /b` or `VOLUME ["/a","/b"]` */
export interface VolumeInstruction extends InstructionBase {
  kind: 'VOLUME';
  volumes: string[];
}

/** `USER user[:group]` */
export interface UserInstruction extends InstructionBase {
  kind: 'USER';
  user: string;
}

/** `WORKDIR /path` */
export interface WorkdirInstruction extends InstructionBase {
  kind: 'WORKDIR';
  path: string;
}

/** `ARG name[=default] [name[=default]...]` */
export interface ArgInstruction extends InstructionBase {
  kind: 'ARG';
  args: { name: string; default?: string }[];
}

/** `ONBUILD instruction` */
export interface OnbuildInstruction extends InstructionBase {
  kind: 'ONBUILD';
  /** The trigger text as it goes into the image config's OnBuild list. */
  expression: string;
  trigger: Instruction;
}

/** `STOPSIGNAL SIGTERM` */
export interface StopsignalInstruction extends InstructionBase {
  kind: 'STOPSIGNAL';
  signal: string;
}

/** Healthcheck settings; durations as written (`30s`), validated by the parser. */
export interface HealthcheckOptions {
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  startInterval?: string;
  retries?: number;
}

/** `HEALTHCHECK [opts] CMD command` or `HEALTHCHECK NONE` */
export interface HealthcheckInstruction extends InstructionBase {
  kind: 'HEALTHCHECK';
  /** `NONE` disables a healthcheck inherited from the base image. */
  test: { type: 'NONE' } | { type: 'CMD'; command: Command };
  options: HealthcheckOptions;
}

/** `SHELL ["executable", "params"]` */
export interface ShellInstruction extends InstructionBase {
  kind: 'SHELL';
  shell: string[];
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | LabelInstruction
  | MaintainerInstruction
  | ExposeInstruction
  | EnvInstruction
  | CopyInstruction
  | AddInstruction
  | VolumeInstruction
  | UserInstruction
  | WorkdirInstruction
  | ArgInstruction
  | OnbuildInstruction
  | StopsignalInstruction
  | HealthcheckInstruction
  | ShellInstruction;

export type InstructionKind = Instruction['kind'];

/** A build stage: a FROM and the instructions up to the next FROM. */
export interface Stage {
  /** 0-based position in the file; `COPY --from=0` refers to it. */
  index: number;
  from: FromInstruction;
  instructions: Exclude<Instruction, FromInstruction>[];
}

/** Non-fatal findings of the parser (e.g. empty continuation lines). */
export interface ParseWarning {
  message: string;
  range: SourceRange;
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  /** Path or display name, used in error messages. */
  file: string;
  directives: Directives;
  /** ARG instructions before the first FROM (global scope, visible to FROM lines). */
  globalArgs: ArgInstruction[];
  stages: Stage[];
  warnings: ParseWarning[];
}
