// SandboxSpec: the part of the OCI runtime spec that one RUN step (or `tsbuild run`) needs.
import type { Ulimit } from '../spec/index.js';

/** A directory used as the root as-is; writes go straight into it. */
export interface DirectoryRootfs {
  kind: 'directory';
  path: string;
}

/** An overlay of read-only layer directories plus an upper directory that collects the changes. */
export interface OverlayRootfs {
  kind: 'overlay';
  /** Layer directories, top-most first (overlayfs `lowerdir` order). */
  lowerdirs: string[];
  upperdir: string;
  /** Empty scratch directory on the same filesystem as `upperdir`. */
  workdir: string;
}

export type Rootfs = DirectoryRootfs | OverlayRootfs;

export type MountType = 'bind' | 'tmpfs' | 'proc' | 'sysfs' | 'mqueue';

export interface Mount {
  type: MountType;
  /** Host path for `bind`; ignored (use the type name) otherwise. With `sourceRoot`, a path inside it. */
  source?: string;
  /**
   * For a bind whose source lives in another root (a stage's rootfs, the build context, a cache
   * dir): `source` is resolved inside this directory, symlinks evaluated with it as `/`, so a
   * symlink there can never lead to a host path.
   */
  sourceRoot?: string;
  /** Absolute path inside the sandbox. */
  target: string;
  readonly?: boolean;
  /** Filesystem options, e.g. `size=64m,mode=1777` for tmpfs. */
  options?: string[];
}

export interface SandboxUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

/** One contiguous id range of a user namespace (for a future rootless mode). */
export interface IdMapping {
  containerId: number;
  hostId: number;
  size: number;
}

export interface SandboxLimits {
  memoryBytes?: number;
  /** Fractional CPUs, e.g. 1.5 (a CFS quota over a 100 ms period). */
  cpus?: number;
  pidsLimit?: number;
}

/** Files the sandbox sees at /etc; bind-mounted from a temp dir so they never land in a layer. */
export interface EtcFiles {
  hosts?: string;
  resolvConf?: string;
  hostname?: string;
}

/**
 * `pipe`: stdin from RunOptions.stdin (or empty), stdout/stderr to the callbacks.
 * `inherit`: tsbuild's stdin, stdout and stderr relayed through pipes, as `docker run -i` does;
 *   the command never gets the caller's terminal (it could type into it with TIOCSTI).
 * `tty`: a pseudo-terminal of the sandbox's own devpts is the command's controlling terminal and
 *   stdio; tsbuild relays its output (stderr included) and, with RunOptions.attachStdin, its input
 *   (see terminal.ts).
 */
export type StdioMode = 'pipe' | 'inherit' | 'tty';

export type SeccompMode = 'default' | 'unconfined';

/**
 * `private`: a network namespace of its own with outbound access through slirp4netns (the host's
 * 127.0.0.1 unreachable); `none`: an own namespace with only loopback; `host`: the host's network.
 */
export type NetworkMode = 'private' | 'host' | 'none';

/** A host port forwarded into a `private` network (`-p`), by slirp4netns. */
export interface PortForward {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

export interface SandboxSpec {
  args: string[];
  /** `KEY=value` entries, exactly what the process sees. */
  env: string[];
  /** Absolute working directory; created (owned by root) when missing, like Docker. */
  cwd: string;
  user: SandboxUser;
  rootfs: Rootfs;
  mounts?: Mount[];
  network: NetworkMode;
  /** Host ports forwarded to the sandbox (a `private` network only). */
  ports?: PortForward[];
  hostname?: string;
  limits?: SandboxLimits;
  /** rlimits of the command, set before it starts (tsbuild's own otherwise). */
  ulimits?: Ulimit[];
  /** Size of the /dev/shm tmpfs in bytes; default 64 MiB (Docker's). */
  shmSize?: number;
  /**
   * The cgroup the run's cgroup is made in, a path from each hierarchy's root (`/` optional, as
   * BuildKit reads `--cgroup-parent`); default: under tsbuild's own cgroup. `..` is refused.
   */
  cgroupParent?: string;
  stdio?: StdioMode;
  etcFiles?: EtcFiles;
  /**
   * `no_new_privs` (default true). RUN steps turn it off as BuildKit does, so setuid tools such
   * as sudo work in a build.
   */
  noNewPrivileges?: boolean;
  /**
   * The syscall filter: `default` (also when unset) has the effect of Docker's default seccomp
   * profile; `unconfined` applies none (Docker's `--security-opt seccomp=unconfined`).
   */
  seccomp?: SeccompMode;
  /** User-namespace mappings; only the runc backend honours them today. */
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
}

/** Docker's default capability set (moby oci/caps/defaults.go), as OCI names. */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
] as const;
