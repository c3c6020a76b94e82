// `tsbuild exec`: a command in a running container, through the backend that runs it (see
// runtime-shim/exec.ts), with docker's errors for an unknown or stopped container.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { execInContainer, type ExecRequest, type ExecTarget, type RunOptions, type RunResult } from '../runtime-shim/index.js';
import { isObject, parseJsonObject } from '../spec/index.js';
import { findContainerRecord, type ContainerRecord } from '../container/records.js';

/** Runs `request` in the container `ref` (name, ID or ID prefix) and resolves with its exit status. */
export function execContainer(root: string, ref: string, request: ExecRequest, options: RunOptions = {}): Promise<RunResult> {
  let record: ContainerRecord;
  try {
    record = findContainerRecord(root, ref);
  } catch (error) {
    if ((error as TsbuildError).code === 'NOT_FOUND') throw new TsbuildError('NOT_FOUND', `No such container: ${ref}`, { cause: error });
    throw error;
  }
  const target = record.status === 'running' ? execTarget(record) : undefined;
  if (!target) throw new TsbuildError('SANDBOX', `container ${ref} is not running`);
  return execInContainer(target, request, options);
}

function execTarget(record: ContainerRecord): ExecTarget | undefined {
  const file = join(record.dir, 'state.json');
  try {
    const target = parseJsonObject(readFileSync(file), { where: file }, 'container state')['exec'];
    return isObject(target) ? (target as unknown as ExecTarget) : undefined; // written by this code's backends
  } catch {
    return undefined; // removed meanwhile
  }
}
