// BuildKit's `--call=targets` and `--call=outline`: what a Dockerfile offers (its stages, and the
// build args and secrets of a target) read from the file, without building.
import { readFileSync } from 'node:fs';
import { defaultDockerfilePath, readDockerfile, type DockerfileSource } from '../planner/index.js';

export interface DockerfileTarget {
  name: string;
  /** The comment lines right above its FROM. */
  description: string;
  default: boolean;
}

export interface DockerfileOutline {
  target: string;
  description: string;
  args: { name: string; value?: string; description: string }[];
  secrets: { id: string; required: boolean }[];
  ssh: { id: string; required: boolean }[];
}

/** The stages of a Dockerfile (named ones, and the last one, the default target). */
export function targets(source: DockerfileSource): DockerfileTarget[] {
  const dockerfile = readDockerfile(source);
  const comments = commentsAbove(source);
  const last = dockerfile.stages.length - 1;
  return dockerfile.stages
    .filter((stage) => stage.from.stageName !== undefined || stage.index === last)
    .map((stage) => ({
      name: stage.from.stageName ?? `stage-${stage.index}`,
      description: comments(stage.from.range.start.line),
      default: stage.index === last,
    }));
}

export interface OutlineOptions extends DockerfileSource {
  target?: string;
  buildArgs?: Record<string, string>;
}

/** The build args (global and the target's), secrets and SSH sockets a target uses. */
export function outline(options: OutlineOptions): DockerfileOutline {
  const dockerfile = readDockerfile(options);
  const comments = commentsAbove(options);
  const stage = options.target
    ? dockerfile.stages.find((s) => s.from.stageName === options.target) ?? dockerfile.stages.at(-1)!
    : dockerfile.stages.at(-1)!;
  const args = [...dockerfile.globalArgs, ...stage.instructions.filter((i) => i.kind === 'ARG')].flatMap((instruction) =>
    instruction.args.map((arg) => {
      const value = options.buildArgs?.[arg.name] ?? arg.default;
      return { name: arg.name, ...(value !== undefined ? { value } : {}), description: comments(instruction.range.start.line) };
    }));
  const mounts = stage.instructions.flatMap((i) => (i.kind === 'RUN' ? i.mounts : []));
  const secrets = mounts.flatMap((m) => (m.type === 'secret' ? [{ id: m.id ?? m.target?.split('/').pop() ?? '', required: m.required }] : []));
  const ssh = mounts.flatMap((m) => (m.type === 'ssh' ? [{ id: m.id ?? 'default', required: m.required }] : []));
  return {
    target: stage.from.stageName ?? `stage-${stage.index}`,
    description: comments(stage.from.range.start.line),
    args,
    secrets,
    ssh,
  };
}

/** The `#` lines right above a (1-based) line of the Dockerfile's text, joined. */
function commentsAbove(source: DockerfileSource): (line: number) => string {
  const file = source.dockerfile ?? defaultDockerfilePath(source.context);
  const text = source.dockerfileContents ?? (file === '-' ? '' : readFileSync(file, 'utf8'));
  const lines = text.split('\n');
  return (line) => {
    const found: string[] = [];
    for (let i = line - 2; i >= 0 && /^\s*#/.test(lines[i]!); i--) found.unshift(lines[i]!.replace(/^\s*#\s?/, '').trim());
    return found.filter((comment) => !/^(syntax|escape|check)\s*=/i.test(comment)).join(' ');
  };
}
