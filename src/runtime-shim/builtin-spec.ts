// Encodes a SandboxSpec as the NUL-separated token file that native/tsbuild-sandbox.c reads.
import { TsbuildError } from '../errors.js';
import { overlayMountData } from './overlay-options.js';
import type { Mount, SandboxSpec } from './spec.js';
import { TTY_CONTROL_FD, type TerminalSize } from './terminal.js';

/** The socket over which the helper reports its network namespace and waits for slirp4netns. */
export const NETNS_SYNC_FD = 4;

export interface HelperInputs {
  rootMountpoint: string;
  /** Where the short lowerdir symlinks go (see overlayMountData). */
  lowerLinkDir: string;
  etcMounts: Mount[];
  /** cgroup.procs files the sandbox's init joins. */
  cgroupProcs: string[];
  /** No cgroup enforces the device allow-list (cgroup v2, or none): the command gets no CAP_MKNOD. */
  dropMknod?: boolean;
  /** The terminal's initial size for `stdio: 'tty'` (unknown without one on tsbuild's side). */
  terminalSize?: TerminalSize;
}

/** The token file's bytes: every token NUL-terminated, keys followed by their fixed arguments. */
export function encodeHelperSpec(spec: SandboxSpec, inputs: HelperInputs): Buffer {
  const tokens: string[] = ['root', inputs.rootMountpoint, ...rootfsTokens(spec, inputs.lowerLinkDir)];
  for (const m of [...(spec.mounts ?? []), ...inputs.etcMounts]) tokens.push(...mountTokens(m));
  if (spec.hostname !== undefined) tokens.push('hostname', spec.hostname);
  if (spec.network === 'none') tokens.push('netns');
  if (spec.seccomp === 'unconfined') tokens.push('seccomp-unconfined');
  if (spec.network === 'private') tokens.push('netns-sync', String(NETNS_SYNC_FD));
  if (spec.noNewPrivileges !== false) tokens.push('no-new-privs');
  if (inputs.dropMknod) tokens.push('no-mknod');
  if (spec.stdio === 'tty') {
    const size = inputs.terminalSize;
    tokens.push('tty', String(size?.rows ?? 0), String(size?.cols ?? 0), String(TTY_CONTROL_FD));
  }
  tokens.push('uid', uint(spec.user.uid), 'gid', uint(spec.user.gid));
  for (const g of spec.user.additionalGids ?? []) tokens.push('group', uint(g));
  tokens.push('cwd', spec.cwd);
  for (const e of spec.env) tokens.push('env', e);
  for (const a of spec.args) tokens.push('arg', a);
  for (const c of inputs.cgroupProcs) tokens.push('cgroup', c);
  for (const u of spec.ulimits ?? []) tokens.push('rlimit', u.name, String(u.soft), String(u.hard));
  if (spec.shmSize !== undefined) tokens.push('shm-size', String(spec.shmSize));
  return tokenFile(tokens);
}

function rootfsTokens(spec: SandboxSpec, linkDir: string): string[] {
  const rootfs = spec.rootfs;
  if (rootfs.kind === 'directory') return ['rootfs-dir', rootfs.path];
  return ['overlay', overlayMountData(rootfs, linkDir)];
}

function mountTokens(m: Mount): string[] {
  if (!m.target.startsWith('/')) throw new TsbuildError('SANDBOX', `mount target must be absolute: ${m.target}`);
  if (m.type === 'bind' && !m.source) throw new TsbuildError('SANDBOX', `bind mount of ${m.target} has no source`);
  if (m.type === 'bind' && m.sourceRoot !== undefined) {
    return ['bind-in', m.sourceRoot, m.source as string, m.target, m.readonly ? '1' : '0'];
  }
  const source = m.type === 'bind' ? (m.source as string) : m.type;
  return ['mount', m.type, source, m.target, m.readonly ? '1' : '0', (m.options ?? []).join(',')];
}

function uint(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xfffffffe) throw new TsbuildError('SANDBOX', `invalid uid/gid ${n}`);
  return String(n);
}

export interface ExecSpec {
  args: string[];
  env: string[];
  cwd: string;
  user: SandboxSpec['user'];
  cgroupProcs: string[];
  noMknod: boolean;
  noNewPrivileges: boolean;
  seccomp: SandboxSpec['seccomp'];
}

/** The token file of the helper's `--exec` mode: the process's settings, the container's privileges. */
export function encodeExecSpec(spec: ExecSpec): Buffer {
  const tokens: string[] = [];
  if (spec.seccomp === 'unconfined') tokens.push('seccomp-unconfined');
  if (spec.noNewPrivileges) tokens.push('no-new-privs');
  if (spec.noMknod) tokens.push('no-mknod');
  tokens.push('uid', uint(spec.user.uid), 'gid', uint(spec.user.gid));
  for (const g of spec.user.additionalGids ?? []) tokens.push('group', uint(g));
  tokens.push('cwd', spec.cwd);
  for (const e of spec.env) tokens.push('env', e);
  for (const a of spec.args) tokens.push('arg', a);
  for (const c of spec.cgroupProcs) tokens.push('cgroup', c);
  return tokenFile(tokens);
}

function tokenFile(tokens: string[]): Buffer {
  for (const t of tokens) {
    if (t.includes('\0')) throw new TsbuildError('SANDBOX', `sandbox spec value contains a NUL byte: ${JSON.stringify(t)}`);
  }
  return Buffer.from(tokens.map((t) => `${t}\0`).join(''), 'utf8');
}
