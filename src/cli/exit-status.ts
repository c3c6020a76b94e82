// Exit statuses of the tsbuild command, documented in the README.
import type { ErrorCode } from '../errors.js';

export const ExitStatus = {
  Ok: 0,
  /** Generic failure: a build step, a registry or the store failed. */
  Failure: 1,
  /** Bad command line: unknown flag, missing argument. */
  Usage: 2,
  /** The Dockerfile is invalid or uses an unsupported feature. */
  Dockerfile: 3,
  /** Interrupted (Ctrl-C / SIGTERM). */
  Cancelled: 130,
  /** A bug in tsbuild. */
  Internal: 70,
} as const;

export function exitStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'USAGE':
      return ExitStatus.Usage;
    case 'DOCKERFILE_SYNTAX':
    case 'DOCKERFILE_UNSUPPORTED':
    case 'PLAN_INVALID':
    case 'CHECK_FAILED':
      return ExitStatus.Dockerfile;
    case 'CANCELLED':
      return ExitStatus.Cancelled;
    case 'INTERNAL':
      return ExitStatus.Internal;
    case 'NOT_FOUND':
    case 'REGISTRY':
    case 'CACHE_BACKEND':
    case 'DIGEST_MISMATCH':
    case 'STORE':
    case 'SANDBOX':
    case 'ROOTLESS':
    case 'STEP_FAILED':
      return ExitStatus.Failure;
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}
