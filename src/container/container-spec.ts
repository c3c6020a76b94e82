// The SandboxSpec of a container: command, environment, user, working directory, rootfs overlay,
// mounts, network, hostname, limits and generated /etc files.
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { ContainerConfig } from '../oci/index.js';
import { resolveUser } from '../runtime-shim/index.js';
import type { Mount, OverlayRootfs, SandboxSpec } from '../runtime-shim/index.js';
import { containerCommand } from '../container/command-line.js';
import type { ContainerDir } from '../container/container-dir.js';
import { containerEnv } from '../container/env.js';
import { containerEtcFiles } from '../container/etc-files.js';
import type { RunRequest } from '../container/run-request.js';

export interface ContainerSpecInput {
  request: RunRequest;
  config: ContainerConfig | undefined;
  /** Snapshot directories, top-most first. */
  lowerdirs: string[];
  dir: ContainerDir;
  mounts: Mount[];
  hostname: string;
}

export function containerSpec(input: ContainerSpecInput): SandboxSpec {
  const { request, config, dir } = input;
  const rootfs: OverlayRootfs = { kind: 'overlay', lowerdirs: input.lowerdirs, upperdir: dir.upperdir, workdir: dir.workdir };
  // No USER at all means root, still with root's supplementary groups from /etc/group.
  const user = resolveUser(request.user || config?.User || '0', rootfs);
  return {
    args: containerCommand(config, request.overrides),
    env: containerEnv({
      imageEnv: config?.Env ?? [],
      userEnv: request.userEnv,
      hostname: input.hostname,
      tty: request.stdio === 'tty',
      home: user.home,
    }),
    cwd: posix.resolve('/', request.workdir ?? (config?.WorkingDir || '/')),
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids ?? [] },
    rootfs,
    mounts: input.mounts,
    network: request.network,
    ...(request.network === 'private' && request.ports.length > 0 ? { ports: request.ports } : {}),
    hostname: input.hostname,
    limits: request.limits,
    ...request.settings,
    stdio: request.stdio,
    seccomp: request.seccomp,
    etcFiles: containerEtcFiles({
      hostname: input.hostname,
      network: request.network,
      hostHosts: readIfPresent('/etc/hosts'),
      hostResolvConf: readIfPresent('/etc/resolv.conf'),
    }),
  };
}

function readIfPresent(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
