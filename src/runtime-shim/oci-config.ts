// Writes a SandboxSpec as an OCI runtime-spec config.json (runtime-spec v1.0.2) for runc/crun.
import type { Mount, SandboxLimits, SandboxSpec } from './spec.js';
import { DEFAULT_CAPABILITIES } from './spec.js';
import { ociDeviceRules } from './devices.js';
import { ociRlimits } from './run-settings.js';
import { ociSeccomp } from './seccomp.js';
import type { TerminalSize } from './terminal.js';

/** The subset of the OCI runtime config that tsbuild writes. */
export interface OciRuntimeConfig {
  ociVersion: string;
  process: Record<string, unknown>;
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: { destination: string; type: string; source: string; options: string[] }[];
  linux: Record<string, unknown>;
}

/** Docker's masked and read-only paths (moby oci/defaults.go). */
const MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
  '/sys/devices/virtual/powercap'];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export function ociConfig(
  spec: SandboxSpec, rootPath: string, etcMounts: Mount[], cgroupsPath: string, networkPath?: string, terminalSize?: TerminalSize,
): OciRuntimeConfig {
  const caps = [...DEFAULT_CAPABILITIES];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: spec.stdio === 'tty',
      ...(terminalSize ? { consoleSize: { height: terminalSize.rows, width: terminalSize.cols } } : {}),
      user: { uid: spec.user.uid, gid: spec.user.gid, additionalGids: spec.user.additionalGids ?? [] },
      args: spec.args,
      env: spec.env,
      cwd: spec.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: spec.noNewPrivileges !== false,
      ...(spec.ulimits?.length ? { rlimits: ociRlimits(spec.ulimits) } : {}),
    },
    root: { path: rootPath, readonly: false },
    hostname: spec.hostname ?? 'tsbuild',
    mounts: [...systemMounts(spec.shmSize), ...[...(spec.mounts ?? []), ...etcMounts].map(ociMount)],
    linux: {
      namespaces: namespaces(spec, networkPath),
      ...idMappings(spec),
      resources: resources(spec.limits ?? {}),
      cgroupsPath,
      ...(spec.seccomp === 'unconfined' ? {} : { seccomp: ociSeccomp() }),
      maskedPaths: MASKED_PATHS,
      // runc (1.1) leaves v1's tmpfs under the hierarchies writable; the builtin helper mounts it read-only.
      readonlyPaths: [...READONLY_PATHS, '/sys/fs/cgroup'],
    },
  };
}

function systemMounts(shmSize: number | undefined): OciRuntimeConfig['mounts'] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', shmSize === undefined ? 'size=65536k' : `size=${shmSize}`] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    // As runc's default spec: with the cgroup namespace, the command sees its own cgroup as the root.
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
  ];
}

function ociMount(m: Mount): OciRuntimeConfig['mounts'][number] {
  const rw = m.readonly ? 'ro' : 'rw';
  if (m.type === 'bind') {
    // nodev as in the builtin helper: only /dev has device nodes that open.
    return { destination: m.target, type: 'bind', source: m.source ?? '', options: ['rbind', rw, 'nodev', ...(m.options ?? [])] };
  }
  return { destination: m.target, type: m.type, source: m.type, options: ['nosuid', 'nodev', rw, ...(m.options ?? [])] };
}

/** `networkPath`: an existing network namespace to join (the private network's, see network.ts). */
function namespaces(spec: SandboxSpec, networkPath?: string): { type: string; path?: string }[] {
  const list: { type: string; path?: string }[] = ['pid', 'ipc', 'uts', 'mount', 'cgroup'].map((type) => ({ type }));
  if (spec.network !== 'host') list.push(networkPath ? { type: 'network', path: networkPath } : { type: 'network' });
  if (spec.uidMappings?.length) list.push({ type: 'user' });
  return list;
}

function idMappings(spec: SandboxSpec): Record<string, unknown> {
  if (!spec.uidMappings?.length) return {};
  return { uidMappings: spec.uidMappings, gidMappings: spec.gidMappings ?? spec.uidMappings };
}

function resources(limits: SandboxLimits): Record<string, unknown> {
  // runc enforces the list with the v1 devices controller or a v2 BPF program.
  const out: Record<string, unknown> = { devices: ociDeviceRules() };
  if (limits.memoryBytes !== undefined) out['memory'] = { limit: limits.memoryBytes, swap: limits.memoryBytes };
  if (limits.cpus !== undefined) out['cpu'] = { quota: Math.max(1000, Math.round(limits.cpus * 100_000)), period: 100_000 };
  if (limits.pidsLimit !== undefined) out['pids'] = { limit: limits.pidsLimit };
  return out;
}
