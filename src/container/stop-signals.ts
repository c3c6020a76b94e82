// Stopping a running container like `docker stop`: the stop signal goes to the sandbox's host
// process (the builtin helper or `runc run`, both forward it to the command inside), and if the
// container is still running after the timeout, the sandbox is aborted (SIGKILL to everything).
import { constants } from 'node:os';

const DEFAULT_STOP_TIMEOUT_MS = 10_000;

export class ContainerStopper {
  /** Passed to the sandbox backend: aborting it kills the sandbox. */
  readonly kill = new AbortController();
  private requested: NodeJS.Signals | undefined;
  private pending: NodeJS.Signals[] = [];
  private hostPid: number | undefined;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs = DEFAULT_STOP_TIMEOUT_MS) {}

  /** The first stop signal asked for, if any. */
  get stopRequested(): NodeJS.Signals | undefined {
    return this.requested;
  }

  /** Sends `signal` to the container (once it runs); the first request also starts the kill timer. */
  request(signal: NodeJS.Signals): void {
    if (this.requested === undefined) {
      this.requested = signal;
      this.killTimer = setTimeout(() => this.kill.abort(), this.timeoutMs);
    }
    this.pending.push(signal);
    this.deliver();
  }

  /** The sandbox's host process is running (RunOptions.onSpawn): signals asked for until now go to it. */
  spawned(hostPid: number): void {
    this.hostPid = hostPid;
    this.deliver();
  }

  finish(): void {
    this.hostPid = undefined;
    clearTimeout(this.killTimer);
  }

  private deliver(): void {
    if (this.hostPid === undefined) return;
    for (const signal of this.pending.splice(0)) {
      try {
        process.kill(this.hostPid, signal);
      } catch {
        // it has exited meanwhile
      }
    }
  }
}

/** A signal name from an abort reason (`controller.abort('SIGINT')`), if it is one. */
export function signalFromReason(reason: unknown): NodeJS.Signals | undefined {
  return typeof reason === 'string' && reason in constants.signals ? (reason as NodeJS.Signals) : undefined;
}

/** Parses an image's StopSignal (`SIGTERM`, `TERM`, `15`). */
export function parseStopSignal(text: string | undefined): NodeJS.Signals | undefined {
  if (!text) return undefined;
  const upper = text.toUpperCase();
  const name = /^\d+$/.test(upper)
    ? Object.entries(constants.signals).find(([, n]) => n === Number(upper))?.[0]
    : upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return name !== undefined && name in constants.signals ? (name as NodeJS.Signals) : undefined;
}
