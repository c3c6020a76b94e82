// Docker's resource-limit flag values: `--memory 512m`, `--cpus 1.5`, `--pids-limit 100`, `--shm-size 1g`.
import { availableParallelism } from 'node:os';
import { TsbuildError } from '../errors.js';
import { parseRamInBytes } from '../spec/index.js';

/** Docker refuses smaller memory limits (the kernel needs some room to even start a process). */
const MINIMUM_MEMORY_BYTES = 6 * 1024 * 1024;

/** Bytes of a `--memory` size (go-units RAMInBytes, src/spec/size.ts), at least Docker's minimum. */
export function parseMemorySize(text: string): number {
  const bytes = parseRamInBytes(text.trim());
  if (bytes === undefined) throw usage(`invalid memory size "${text}": expected a number with an optional unit (b, k, m, g), e.g. 512m`);
  if (bytes < MINIMUM_MEMORY_BYTES) throw usage(`memory limit "${text}" is too small: the minimum is 6m`);
  return bytes;
}

/** Bytes of `--shm-size` (go-units RAMInBytes, as docker's MemBytes); 0 means the default (64m). */
export function parseShmSize(text: string): number | undefined {
  const bytes = parseRamInBytes(text.trim());
  if (bytes === undefined) throw usage(`invalid --shm-size "${text}": expected a number with an optional unit (b, k, m, g), e.g. 128m`);
  return bytes > 0 ? bytes : undefined;
}

/** Fractional CPUs for `--cpus`: at least 0.01 and at most the host's CPU count (Docker's range). */
export function parseCpus(text: string, hostCpus: number = availableParallelism()): number {
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text.trim())) throw usage(`invalid CPU count "${text}": expected a decimal number like 1.5`);
  const cpus = Number(text);
  if (cpus < 0.01 || cpus > hostCpus) {
    throw usage(`CPU count ${text} is out of range: from 0.01 to ${hostCpus.toFixed(2)}, as there are only ${hostCpus} CPUs available`);
  }
  return cpus;
}

/** `--pids-limit N`; 0 or a negative value means unlimited, as in Docker. */
export function parsePidsLimit(text: string): number | undefined {
  if (!/^-?\d+$/.test(text.trim())) throw usage(`invalid process limit "${text}": expected an integer`);
  const limit = Number(text);
  return limit > 0 ? limit : undefined;
}

function usage(message: string): TsbuildError {
  return new TsbuildError('USAGE', message);
}
