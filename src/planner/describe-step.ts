// One-line descriptions of steps, shared by the text, DOT and Mermaid renderers.
import type { FileSource, Op, PlannedMount, Step, StepId } from './types.js';

/** The first 12 hex digits of a step id, like short image ids. */
export function shortId(id: StepId): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'source':
      return `source ${op.image} [${op.platform}]`;
    case 'exec':
      return describeExec(op);
    case 'file':
      if (op.action === 'mkdir') return `mkdir ${op.path}${op.user ? ` (user ${op.user})` : ''}`;
      return `${op.command.toLowerCase()} ${op.sources.map(describeSource).join(' ')} -> ${op.dest}${copyFlags(op)}`;
    case 'config':
      if (Object.keys(op.set).length === 0) return 'config (history only)';
      return `config ${Object.entries(op.set).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`;
    default: {
      const unhandled: never = op;
      return unhandled;
    }
  }
}

function describeExec(op: Extract<Op, { kind: 'exec' }>): string {
  const parts = [`exec ${JSON.stringify(op.args)}`];
  if (op.cwd !== '/') parts.push(`cwd=${op.cwd}`);
  if (op.user) parts.push(`user=${op.user}`);
  if (op.network !== 'default') parts.push(`network=${op.network}`);
  if (op.security !== 'sandbox') parts.push(`security=${op.security}`);
  for (const mount of op.mounts) parts.push(`mount=${describeMount(mount)}`);
  return parts.join(' ');
}

function describeMount(mount: PlannedMount): string {
  switch (mount.type) {
    case 'bind':
      return `bind:${mount.from.kind === 'step' ? shortId(mount.from.step) : 'context'}:${mount.source}->${mount.target}${mount.readwrite ? ':rw' : ''}`;
    case 'cache':
      return `cache:${mount.id}->${mount.target}`;
    case 'tmpfs':
      return `tmpfs->${mount.target}`;
    case 'secret':
      return `secret:${mount.id}->${mount.target ?? `env ${mount.env ?? ''}`}`;
    case 'ssh':
      return `ssh:${mount.id}->${mount.target}`;
    default: {
      const unhandled: never = mount;
      return unhandled;
    }
  }
}

function describeSource(source: FileSource): string {
  switch (source.kind) {
    case 'context':
      return source.path;
    case 'step':
      return `${shortId(source.step)}:${source.path}`;
    case 'url':
    case 'git':
      return source.url;
    case 'heredoc':
      return `<<${source.name}`;
    default: {
      const unhandled: never = source;
      return unhandled;
    }
  }
}

function copyFlags(op: Extract<Op, { kind: 'file'; action: 'copy' }>): string {
  const flags = [
    op.chown !== undefined ? `chown=${op.chown}` : '',
    op.chmod !== undefined ? `chmod=${op.chmod}` : '',
    op.link ? 'link' : '',
    op.parents ? 'parents' : '',
    ...op.exclude.map((e) => `exclude=${e}`),
    op.checksum !== undefined ? `checksum=${op.checksum}` : '',
  ].filter(Boolean);
  return flags.length > 0 ? ` (${flags.join(', ')})` : '';
}

/** `Dockerfile:12` or '' for implicit steps. */
export function stepLine(step: Step): string {
  return step.range ? `${step.file}:${step.range.start.line}` : '';
}
