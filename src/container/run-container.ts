// `runContainer`: runs an image from the local store in the sandbox RUN steps use — image lookup
// (and pull), snapshots, container directory, mounts, spec, run, stop handling and cleanup.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { assertCanRun, selectBackend, privateNetworkProblem } from '../runtime-shim/index.js';
import { SnapshotStore } from '../snapshots/index.js';
import { sweepDeadContainers } from '../executor/index.js';
import { platformOf, type ResolvedImage, LocalImages, resolveRoot } from '../oci/index.js';
import { formatPlatform, hostPlatform, platformRank } from '../spec/index.js';
import { ownerToken } from '../fs/index.js';
import type { ExecTarget, RunResult, SandboxBackend, NetworkMode, SandboxSpec } from '../runtime-shim/index.js';
import { createContainerDir, type ContainerDir } from '../container/container-dir.js';
import { containerSpec } from '../container/container-spec.js';
import { defaultHostname, newContainerId } from '../container/etc-files.js';
import type { RunEventSink } from '../container/events.js';
import { imageLayers } from '../container/image-layers.js';
import { findImage } from '../container/image-source.js';
import { planMounts } from '../container/mounts.js';
import type { RunContainerOptions, RunContainerResult } from '../container/options.js';
import { processOutput } from '../container/output.js';
import { parseRunRequest, type RunRequest } from '../container/run-request.js';
import { ContainerStopper, parseStopSignal, signalFromReason } from '../container/stop-signals.js';
import { copyImageContent } from '../container/volume-copy.js';
import { CONTAINER_LOG } from '../container/records.js';

export type { RunContainerOptions, RunContainerResult } from '../container/options.js';
export type { RunEvent, RunEventSink } from '../container/events.js';
export type { PullPolicy } from '../container/image-source.js';

interface PreparedContainer {
  dir: ContainerDir;
  spec: SandboxSpec;
  image: ResolvedImage;
  /** What `state.json` records about the container. */
  state: Record<string, unknown>;
  /** What it records while the container runs. */
  running: Record<string, unknown>;
}

/** Runs the image's command to completion and resolves with its exit status. */
export async function runContainer(options: RunContainerOptions): Promise<RunContainerResult> {
  const request = parseRunRequest(options);
  const backend = selectBackend(options.runtime ?? 'auto');
  const stopper = new ContainerStopper(options.stopTimeoutMs);
  let stopSignal: NodeJS.Signals = 'SIGTERM';
  const onAbort = (): void => stopper.request(signalFromReason(options.signal?.reason) ?? stopSignal);
  const onKill = (): void => stopper.kill.abort(); // the backend kills everything at once
  if (options.signal?.aborted || options.killSignal?.aborted) throw cancelled();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  options.killSignal?.addEventListener('abort', onKill, { once: true });
  try {
    const prepared = await prepareContainer(request, options, () => {
      if (stopper.stopRequested || stopper.kill.signal.aborted) throw cancelled();
    });
    stopSignal = parseStopSignal(prepared.image.config.config?.StopSignal) ?? stopSignal;
    return await runPrepared(backend, prepared, request, stopper, options);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    options.killSignal?.removeEventListener('abort', onKill);
    stopper.finish();
  }
}

async function prepareContainer(request: RunRequest, options: RunContainerOptions, checkpoint: () => void): Promise<PreparedContainer> {
  const root = options.root ?? resolveRoot();
  const onEvent: RunEventSink = options.onEvent ?? (() => undefined);
  const images = await LocalImages.open(root);
  sweepDeadContainers(root);
  const image = await findImage(images, request.image, {
    pull: request.pull, platform: request.platform, registry: options.registry ?? {}, onEvent,
  });
  warnForeignPlatform(image, request, onEvent);
  const network = availableNetwork(request, onEvent);
  await assertCanRun(formatPlatform(platformOf(image.config)), { file: '', instruction: `image ${request.image}` });
  checkpoint();
  const snapshots = new SnapshotStore(root, { onWarning: (message) => onEvent({ kind: 'warning', message }) });
  const layers = await imageLayers(snapshots, images.store, image);
  checkpoint();
  const id = newContainerId();
  const dir = createContainerDir(root, id, request.name);
  try {
    const config = image.config.config;
    const mounts = planMounts(config, request.volumes, request.tmpfs, dir);
    copyImageContent(snapshots, layers.chainIds, mounts.anonymous);
    const hostname = request.hostname ?? defaultHostname(id);
    const spec = containerSpec({ request: { ...request, network }, config, lowerdirs: layers.lowerdirs, dir, mounts: mounts.mounts, hostname });
    const state = {
      image: request.image, imageDigest: image.descriptor.digest, command: spec.args, hostname,
      created: new Date().toISOString(), ports: spec.ports ?? [], volumes: mounts.anonymous.map((v) => ({ target: v.target, dir: v.dir })),
    };
    const running = { ...state, status: 'running', pid: process.pid, owner: ownerToken(), rm: request.rm };
    dir.writeState(running);
    checkpoint();
    return { dir, spec, image, state, running };
  } catch (error) {
    dir.remove();
    throw error;
  }
}

async function runPrepared(
  backend: SandboxBackend, prepared: PreparedContainer, request: RunRequest, stopper: ContainerStopper, options: RunContainerOptions,
): Promise<RunContainerResult> {
  const { dir } = prepared;
  let result: RunResult | undefined;
  try {
    const log = options.logToFile ? containerLog(join(dir.path, CONTAINER_LOG)) : undefined;
    try {
      result = await runSandbox(backend, prepared.spec, stopper, { ...options, ...log?.sinks }, () => options.onStart?.(dir.id),
        (target) => dir.writeState({ ...prepared.running, exec: target }));
    } finally {
      log?.close();
    }
    return { ...result, containerId: dir.id };
  } finally {
    if (request.rm) dir.remove();
    else dir.writeState({ ...prepared.state, status: result ? 'exited' : 'failed', exitCode: result?.exitCode, finished: new Date().toISOString() });
  }
}

async function runSandbox(
  backend: SandboxBackend, spec: SandboxSpec, stopper: ContainerStopper, options: RunContainerOptions, onStart: () => void,
  onExecTarget: (target: ExecTarget) => void,
): Promise<RunResult> {
  const output = options.onStdout && options.onStderr ? undefined : processOutput(() => stopper.kill.abort());
  try {
    return await backend.run(spec, {
      signal: stopper.kill.signal,
      onSpawn: (hostPid) => {
        stopper.spawned(hostPid);
        onStart();
      },
      onExecTarget,
      onStdout: options.onStdout ?? ((chunk) => output?.onStdout(chunk)),
      onStderr: options.onStderr ?? ((chunk) => output?.onStderr(chunk)),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      attachStdin: options.interactive === true,
      // Detached (`-di`): nobody attaches, yet stdin stays open as docker keeps it, so a shell waits.
      holdStdin: options.interactive === true && options.logToFile === true && spec.stdio === 'pipe',
    });
  } catch (error) {
    if (!stopper.kill.signal.aborted || (error as TsbuildError).code !== 'CANCELLED') throw error;
    // Killed because nobody reads the output any more, or after the stop timeout: report it the
    // way a shell (and Docker) would.
    return output?.broken ? { exitCode: 141, signal: 'SIGPIPE' } : { exitCode: 137, signal: 'SIGKILL' };
  } finally {
    stopper.finish(); // the host pid may be reused from now on
    output?.detach();
  }
}

function warnForeignPlatform(image: ResolvedImage, request: RunRequest, onEvent: RunEventSink): void {
  if (request.platform) return;
  const host = hostPlatform();
  const platform = platformOf(image.config);
  if (platformRank(host, platform) !== undefined) return;
  onEvent({
    kind: 'warning',
    message: `The requested image's platform (${formatPlatform(platform)}) does not match the detected host platform (${formatPlatform(host)}) and no specific platform was requested`,
  });
}

/** Without slirp4netns the default network is loopback only, with a warning; an explicit bridge then fails. */
function availableNetwork(request: RunRequest, onEvent: RunEventSink): NetworkMode {
  const problem = request.network === 'private' && request.defaultNetwork ? privateNetworkProblem() : undefined;
  if (problem === undefined) return request.network;
  onEvent({ kind: 'warning', message: `${problem}, so the container has no outbound network: it runs with loopback only` });
  return 'none';
}

function cancelled(): TsbuildError {
  return new TsbuildError('CANCELLED', 'the container was stopped before it started');
}

/** Appends the container's output to its log file, one JSON line per chunk (Docker's json-file format). */
function containerLog(file: string): { sinks: Pick<RunContainerOptions, 'onStdout' | 'onStderr'>; close(): void } {
  const fd = openSync(file, 'a', 0o600);
  const write = (stream: 'stdout' | 'stderr') => (chunk: Buffer): void => {
    writeSync(fd, `${JSON.stringify({ stream, log: chunk.toString('utf8'), time: new Date().toISOString() })}\n`);
  };
  return { sinks: { onStdout: write('stdout'), onStderr: write('stderr') }, close: () => closeSync(fd) };
}
