// Builds image configs step by step the way BuildKit does: config instructions change the
// container config, every instruction adds a history entry (empty_layer for metadata-only).
import type { ImageConfig, HistoryEntry, Platform, Digest } from '../oci/types.js';
import type { ConfigChange, Step } from '../planner/types.js';

/** BuildKit's history comment; tools such as `docker history` show it. */
export const HISTORY_COMMENT = 'buildkit.dockerfile.v0';

/** The config of `FROM scratch`. */
export function scratchConfig(platform: Platform): ImageConfig {
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
}

/** Applies a metadata-only instruction: new config, a history entry with `empty_layer`. */
export function applyConfigChange(config: ImageConfig, change: ConfigChange, history: HistoryEntry): ImageConfig {
  const { author, ...container } = change;
  const next: ImageConfig = {
    ...config,
    config: { ...config.config, ...container },
    history: [...(config.history ?? []), { ...history, empty_layer: true }],
  };
  if (author !== undefined) next.author = author;
  return next;
}

/** Records a step's filesystem change: a new diff ID, or an empty layer when nothing changed. */
export function applyLayer(config: ImageConfig, diffId: Digest | undefined, history: HistoryEntry): ImageConfig {
  return {
    ...config,
    rootfs: { type: 'layers', diff_ids: diffId ? [...config.rootfs.diff_ids, diffId] : config.rootfs.diff_ids },
    history: [...(config.history ?? []), diffId ? history : { ...history, empty_layer: true }],
  };
}

/** The history entry of a step: `created_by` like BuildKit's (`RUN /bin/sh -c make # buildkit`). */
export function historyFor(step: Step, created: string): HistoryEntry {
  return { created, created_by: createdBy(step), comment: HISTORY_COMMENT };
}

function createdBy(step: Step): string {
  const op = step.op;
  switch (op.kind) {
    case 'exec':
      return `RUN ${op.args.join(' ')} # buildkit`;
    case 'file':
      return op.action === 'mkdir' ? `WORKDIR ${op.path}` : `${oneLine(step.instruction)} # buildkit`;
    case 'config':
      return op.createdBy;
    case 'source':
      return oneLine(step.instruction);
    default: {
      const unknown: never = op;
      return unknown;
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The timestamp used for `created` fields: SOURCE_DATE_EPOCH when given, else now. */
export function buildTimestamp(sourceDateEpoch?: number): string {
  const ms = sourceDateEpoch === undefined ? Date.now() : sourceDateEpoch * 1000;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
