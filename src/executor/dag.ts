// Walks a DAG of steps with bounded parallelism: a step starts once all its inputs finished;
// the first failure aborts every step still running or waiting, and the walk rejects with it.
import pLimit from 'p-limit';
import { TsbuildError } from '../errors.js';

export interface DagNode {
  id: string;
  inputs: readonly string[];
}

export interface DagWalkOptions {
  concurrency: number;
  signal?: AbortSignal;
}

/** The step runner gets a signal that fires when the build is cancelled or another step failed. */
export type StepRunner<R> = (id: string, signal: AbortSignal) => Promise<R>;

/**
 * Runs `roots` and everything they depend on, each node exactly once. Resolves to every node's
 * result by id; nodes not reachable from `roots` never run.
 */
export async function walkDag<R>(
  nodes: ReadonlyMap<string, DagNode>,
  roots: readonly string[],
  run: StepRunner<R>,
  options: DagWalkOptions,
): Promise<Map<string, R>> {
  const controller = new AbortController();
  if (options.signal?.aborted) throw new TsbuildError('CANCELLED', 'build cancelled');
  const onOuterAbort = () => controller.abort(new TsbuildError('CANCELLED', 'build cancelled'));
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const limit = pLimit(options.concurrency);
  const started = new Map<string, Promise<R>>();
  const results = new Map<string, R>();

  const visit = (id: string, path: readonly string[]): Promise<R> => {
    const existing = started.get(id);
    if (existing) return existing;
    if (path.includes(id)) throw new TsbuildError('PLAN_INVALID', `dependency cycle: ${[...path, id].join(' -> ')}`);
    const node = nodes.get(id);
    if (!node) throw new TsbuildError('INTERNAL', `plan refers to unknown step ${id}`);
    const promise = (async () => {
      await Promise.all(node.inputs.map((input) => visit(input, [...path, id])));
      throwIfAborted(controller.signal);
      const result = await limit(() => {
        throwIfAborted(controller.signal);
        return run(id, controller.signal);
      });
      results.set(id, result);
      return result;
    })();
    promise.catch((error: unknown) => controller.abort(error));
    started.set(id, promise);
    return promise;
  };

  try {
    const rootPromises = roots.map((root) => visit(root, []));
    await Promise.allSettled(rootPromises);
    // A failed input rejects its dependants at once; wait for siblings still cleaning up.
    await Promise.allSettled([...started.values()]);
    await settleAll(rootPromises);
    return results;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** Waits for every started promise, then rethrows the first real (non-abort) failure. */
async function settleAll<R>(promises: Promise<R>[]): Promise<void> {
  const outcomes = await Promise.allSettled(promises);
  const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
  if (failures.length === 0) return;
  throw failures.find((e) => !(e instanceof TsbuildError && e.code === 'CANCELLED')) ?? failures[0];
}

function throwIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof Error) throw reason;
  throw new TsbuildError('CANCELLED', 'build cancelled');
}
