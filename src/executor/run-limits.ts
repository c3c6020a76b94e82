// The resource limits of a RUN step: what the build asked for (`--memory`, `--cpu-quota`, ...)
// plus a default pids limit, so a fork bomb in a Dockerfile cannot exhaust the host's process table.
import { canLimitPids } from '../runtime-shim/index.js';
import type { SandboxLimits } from '../runtime-shim/index.js';
import type { RunLimits } from './options.js';

/**
 * 4096 tasks (threads count too) per step: far above what compilers, package managers and test
 * runners use (podman's container default is 2048), yet with STEP_CONCURRENCY steps at once still
 * well under a kernel's default pid_max of 32768, and a bomb at the limit costs well under 1 GB.
 */
export const DEFAULT_RUN_PIDS_LIMIT = 4096;

/** `pidsLimit` 0 means unlimited; the default is left out where no pids cgroup can be written. */
export function runLimits(requested: RunLimits = {}, pidsLimitable: boolean = canLimitPids()): SandboxLimits {
  const limits: SandboxLimits = {};
  const pids = requested.pidsLimit ?? (pidsLimitable ? DEFAULT_RUN_PIDS_LIMIT : 0);
  if (pids > 0) limits.pidsLimit = pids;
  if (requested.memoryBytes !== undefined) limits.memoryBytes = requested.memoryBytes;
  if (requested.cpus !== undefined) limits.cpus = requested.cpus;
  return limits;
}
