// Turns RunContainerOptions into a validated request: every flag value parsed before any work starts.
import { readFileSync } from 'node:fs';
import { TsbuildError } from '../errors.js';
import { parsePlatform, parseUlimits } from '../spec/index.js';
import type { Platform } from '../oci/index.js';
import { checkRunSettings } from '../runtime-shim/index.js';
import type { NetworkMode, PortForward, SandboxLimits, SandboxSpec, SeccompMode, StdioMode } from '../runtime-shim/index.js';
import { parsePublishFlag } from '../container/publish.js';
import type { CommandOverrides } from '../container/command-line.js';
import { parseEnvFile, parseEnvFlag, type EnvLookup } from '../container/env.js';
import { isValidHostname } from '../container/etc-files.js';
import type { PullPolicy } from '../container/image-source.js';
import { parseTmpfsFlag, parseVolumeFlag, type TmpfsSpec, type VolumeSpec } from '../container/mount-specs.js';
import type { RunContainerOptions } from '../container/options.js';
import { parseSecurityOpts } from '../container/security-opts.js';
import { parseCpus, parseMemorySize, parsePidsLimit, parseShmSize } from '../container/sizes.js';

export interface RunRequest {
  image: string;
  overrides: CommandOverrides;
  /** `--env-file` entries then `-e` entries. */
  userEnv: string[];
  volumes: VolumeSpec[];
  tmpfs: TmpfsSpec[];
  workdir: string | undefined;
  user: string | undefined;
  network: NetworkMode;
  ports: PortForward[];
  /** No --network given: a private network may fall back to loopback only (see run-container.ts). */
  defaultNetwork: boolean;
  hostname: string | undefined;
  limits: SandboxLimits;
  /** `--ulimit`, `--shm-size`, `--cgroup-parent` as the sandbox takes them. */
  settings: Pick<SandboxSpec, 'ulimits' | 'shmSize' | 'cgroupParent'>;
  platform: Platform | undefined;
  pull: PullPolicy;
  stdio: StdioMode;
  seccomp: SeccompMode;
  rm: boolean;
  name: string | undefined;
}

export function parseRunRequest(options: RunContainerOptions): RunRequest {
  const hostEnv = options.hostEnv ?? process.env;
  const lookup: EnvLookup = (name) => hostEnv[name];
  if (options.workdir !== undefined && !options.workdir.startsWith('/')) {
    throw new TsbuildError('USAGE', `the working directory "${options.workdir}" is invalid: it needs to be an absolute path`);
  }
  if (options.hostname !== undefined && !isValidHostname(options.hostname)) {
    throw new TsbuildError('USAGE', `invalid hostname "${options.hostname}"`);
  }
  const network = checkNetwork(options.network ?? 'default');
  const ports = (options.publish ?? []).map(parsePublishFlag);
  if (ports.length > 0 && network === 'none') throw new TsbuildError('USAGE', 'published ports need a network: the network mode is none', { cliHint: '-p with --network none' });
  return {
    image: options.image,
    overrides: { args: options.command ?? [], ...(options.entrypoint !== undefined ? { entrypoint: options.entrypoint } : {}) },
    userEnv: [...(options.envFiles ?? []).flatMap((file) => parseEnvFile(readEnvFile(file), file, lookup)),
      ...(options.env ?? []).map((value) => parseEnvFlag(value, lookup))],
    volumes: (options.volumes ?? []).map(parseVolumeFlag),
    tmpfs: (options.tmpfs ?? []).map(parseTmpfsFlag),
    workdir: options.workdir,
    user: options.user,
    network,
    // With the host's network the container's ports are the host's already (Docker discards -p too).
    ports: network === 'private' ? ports : [],
    defaultNetwork: (options.network ?? 'default') === 'default',
    hostname: options.hostname,
    limits: limitsOf(options),
    settings: settingsOf(options),
    platform: options.platform !== undefined ? parsePlatform(options.platform) : undefined,
    pull: checkPull(options.pull ?? 'missing'),
    // A detached -i (its output to the log) keeps an empty stdin open instead (see run-container.ts).
    stdio: options.tty ? 'tty' : options.interactive && !options.logToFile ? 'inherit' : 'pipe',
    seccomp: parseSecurityOpts(options.securityOpt ?? []).seccomp,
    rm: options.rm ?? false,
    name: options.name,
  };
}

function limitsOf(options: RunContainerOptions): SandboxLimits {
  const limits: SandboxLimits = {};
  if (options.memory !== undefined) limits.memoryBytes = typeof options.memory === 'number' ? options.memory : parseMemorySize(options.memory);
  if (options.cpus !== undefined) limits.cpus = parseCpus(String(options.cpus));
  const pids = options.pidsLimit !== undefined ? parsePidsLimit(String(options.pidsLimit)) : undefined;
  if (pids !== undefined) limits.pidsLimit = pids;
  return limits;
}

function settingsOf(options: RunContainerOptions): RunRequest['settings'] {
  const ulimits = parseUlimits(options.ulimits ?? []);
  const shmSize = typeof options.shmSize === 'string' ? parseShmSize(options.shmSize) : options.shmSize || undefined;
  const settings = {
    ...(ulimits.length > 0 ? { ulimits } : {}),
    ...(shmSize !== undefined ? { shmSize } : {}),
    ...(options.cgroupParent ? { cgroupParent: options.cgroupParent } : {}),
  };
  checkRunSettings(settings);
  return settings;
}

function readEnvFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new TsbuildError('USAGE', `cannot read env file ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Docker's network names: its default bridge network becomes slirp4netns's private one. */
function checkNetwork(network: string): NetworkMode {
  if (network === 'host' || network === 'none') return network;
  if (network === 'bridge' || network === 'default') return 'private';
  throw new TsbuildError('USAGE', `network "${network}" is not supported: use bridge, host or none`);
}

function checkPull(pull: string): PullPolicy {
  if (pull === 'missing' || pull === 'always' || pull === 'never') return pull;
  throw new TsbuildError('USAGE', `invalid pull policy "${pull}": use missing, always or never`);
}
