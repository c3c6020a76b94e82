// A per-run temp directory holding the generated /etc files and the rootfs mount point.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { privateResolvConf } from './network.js';
import { recordMissingMountpoints, withSkeletonLayer } from './mountpoints.js';
import type { EtcFiles, Mount, SandboxSpec } from './spec.js';

export interface RunDir {
  path: string;
  /** Empty directory where the sandbox root is mounted. */
  rootMountpoint: string;
  /** Read-only bind mounts of the generated /etc/hosts, /etc/resolv.conf and /etc/hostname. */
  etcMounts: Mount[];
  remove(): void;
}

const DEFAULT_HOSTNAME = 'tsbuild';

/** What Docker would generate for a container without extra hosts or DNS flags. */
function defaultEtcFiles(spec: SandboxSpec): Required<EtcFiles> {
  const hostname = spec.hostname ?? DEFAULT_HOSTNAME;
  const hosts = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    `127.0.1.1\t${hostname}`,
    '',
  ].join('\n');
  const hostResolv = existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf', 'utf8') : '';
  const resolvConf = { host: hostResolv, private: privateResolvConf(hostResolv), none: '' }[spec.network];
  return { hosts, resolvConf, hostname: `${hostname}\n` };
}

function createRunDir(spec: SandboxSpec): RunDir {
  const path = mkdtempSync(join(tmpdir(), 'tsbuild-run-'));
  const rootMountpoint = join(path, 'rootfs');
  mkdirSync(rootMountpoint);
  const files = { ...defaultEtcFiles(spec), ...spec.etcFiles };
  const etcDir = join(path, 'etc');
  mkdirSync(etcDir);
  const names: [keyof EtcFiles, string][] = [['hosts', 'hosts'], ['resolvConf', 'resolv.conf'], ['hostname', 'hostname']];
  const etcMounts = names.map(([key, name]): Mount => {
    const source = join(etcDir, name);
    writeFileSync(source, files[key] ?? '', { mode: 0o644 });
    return { type: 'bind', source, target: `/etc/${name}`, readonly: true };
  });
  return { path, rootMountpoint, etcMounts, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Creates the run dir, runs `body` with the spec it should use (an overlay gains the skeleton layer
 * of mount points), then removes created mount points and the run dir, whatever `body` did. Refuses an already-aborted signal before touching anything.
 */
export async function withRunDir<T>(
  spec: SandboxSpec,
  signal: AbortSignal | undefined,
  body: (dir: RunDir, spec: SandboxSpec) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw cancelledError();
  const createdMountpoints = recordMissingMountpoints(spec);
  const dir = createRunDir(spec);
  try {
    return await body(dir, withSkeletonLayer(spec, join(dir.path, 'skeleton')));
  } finally {
    createdMountpoints.remove();
    dir.remove();
  }
}

export function cancelledError(): TsbuildError {
  return new TsbuildError('CANCELLED', 'sandbox run was cancelled');
}
