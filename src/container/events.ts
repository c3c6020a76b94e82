// Typed progress events of `runContainer`, passed through an explicit `onEvent` callback.
import type { TransferProgress } from '../registry/index.js';

export type RunEvent =
  /** The image is fetched: `missing` (not in the store), `always` (--pull always) or `platform` (stored for another platform). */
  | { kind: 'pull.start'; reference: string; reason: 'missing' | 'always' | 'platform' }
  | { kind: 'pull.progress'; progress: TransferProgress }
  | { kind: 'pull.done'; name: string; digest: string }
  | { kind: 'warning'; message: string };

export type RunEventSink = (event: RunEvent) => void;
