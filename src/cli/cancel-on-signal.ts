// Ctrl-C and SIGTERM during a long command (pull, push): abort its work through an AbortSignal so
// that it cleans up (no temp files left) and ends with a CANCELLED error, exit status 130.
import { TsbuildError } from '../errors.js';

export async function cancelOnSignal<T>(what: string, action: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => controller.abort(new TsbuildError('CANCELLED', `${what} cancelled (${signal})`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await action(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
