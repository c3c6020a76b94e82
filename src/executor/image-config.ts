// Builds image configs step by step the way BuildKit does: config instructions change the
// container config, every instruction adds a history entry (empty_layer for metadata-only).
import { scratchContainerConfig, withDefaultPath } from '../planner/index.js';
import type { ContainerConfig, ImageConfig, HistoryEntry, Platform, Digest } from '../oci/index.js';
import type { ConfigChange, Step } from '../planner/index.js';

/** BuildKit's history comment; tools such as `docker history` show it. */
const HISTORY_COMMENT = 'buildkit.dockerfile.v0';

/** The config of `FROM scratch`. */
export function scratchConfig(platform: Platform): ImageConfig {
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    ...(platform['os.version'] ? { 'os.version': platform['os.version'] } : {}),
    ...(platform['os.features'] ? { 'os.features': platform['os.features'] } : {}),
    config: scratchContainerConfig(platform.os),
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
}

/**
 * The base image's config as the build starts from it: a PATH is always set, and the ONBUILD
 * triggers are dropped, as the planner runs them first in the stage (BuildKit clears them too).
 */
export function baseConfig(config: ImageConfig): ImageConfig {
  const { OnBuild: _triggers, ...container } = config.config ?? {};
  return { ...config, history: config.history ?? [], config: withDefaultPath(container, config.os) };
}

/**
 * Applies a metadata-only instruction: new config, a history entry with `empty_layer` whose
 * `created_by` is BuildKit's (ONBUILD gets none, as in BuildKit).
 */
export function applyConfigChange(config: ImageConfig, change: ConfigChange, history: HistoryEntry): ImageConfig {
  const { author, ...container } = change;
  const createdBy = buildkitCreatedBy(history.created_by ?? '', config.config ?? {}, change);
  const entries = createdBy === undefined ? [] : [{ ...history, created_by: createdBy, empty_layer: true }];
  const next: ImageConfig = {
    ...config,
    config: { ...config.config, ...container },
    history: [...(config.history ?? []), ...entries],
  };
  if (author !== undefined) next.author = author;
  return next;
}

/**
 * `created_by` of a metadata instruction as BuildKit's dispatchX functions format it (Go's `%q`
 * and `%v`); `written` is the instruction text, kept where BuildKit prints it as written.
 */
function buildkitCreatedBy(written: string, before: ContainerConfig, set: ConfigChange): string | undefined {
  const keyword = (written.split(/\s/, 1)[0] ?? '').toUpperCase();
  const orWritten = (items: string[], format: (items: string[]) => string) => (items.length > 0 ? format(items) : written);
  switch (keyword) {
    case 'ONBUILD':
      return undefined;
    case 'CMD':
    case 'ENTRYPOINT':
      return `${keyword} ${goQuotedList((keyword === 'CMD' ? set.Cmd : set.Entrypoint) ?? [])}`;
    case 'SHELL':
      return `SHELL [${(set.Shell ?? []).join(' ')}]`;
    case 'ENV':
      return orWritten((set.Env ?? []).filter((e) => !(before.Env ?? []).includes(e)), (env) => `ENV ${env.join(' ')}`);
    case 'LABEL': {
      const labels = Object.entries(set.Labels ?? {}).filter(([k, v]) => before.Labels?.[k] !== v).map(([k, v]) => `${k}=${v}`);
      return orWritten(labels, (l) => `LABEL ${l.join(' ')}`);
    }
    case 'VOLUME':
      return orWritten(newKeys(before.Volumes, set.Volumes), (v) => `VOLUME [${v.join(' ')}]`);
    case 'USER':
      return `USER ${set.User ?? ''}`;
    case 'STOPSIGNAL':
      return `STOPSIGNAL ${set.StopSignal ?? ''}`;
    case 'HEALTHCHECK':
      return `HEALTHCHECK ${goHealthcheck(set.Healthcheck ?? {})}`;
    default:
      return written;
  }
}

function newKeys(before: Record<string, object> | undefined, after: Record<string, object> | undefined): string[] {
  return Object.keys(after ?? {}).filter((k) => !(before && k in before));
}

/** Go's `%q` of a []string: `["a" "b"]`. */
function goQuotedList(items: string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(' ')}]`;
}

/** Go's `%q` of BuildKit's *HealthcheckConfig: `&{["CMD-SHELL" "true"] "5s" "0s" "0s" "0s" '\x03'}`. */
function goHealthcheck(h: NonNullable<ContainerConfig['Healthcheck']>): string {
  const durations = [h.Interval, h.Timeout, h.StartPeriod, h.StartInterval].map((d) => JSON.stringify(goDuration(d ?? 0)));
  const retries = h.Retries ?? 0;
  const rune = retries >= 0x20 && retries < 0x7f && retries !== 0x27 && retries !== 0x5c
    ? String.fromCharCode(retries)
    : `\\x${retries.toString(16).padStart(2, '0')}`;
  return `&{${goQuotedList(h.Test ?? [])} ${durations.join(' ')} '${rune}'}`;
}

/** Go's time.Duration.String() of nanoseconds: `0s`, `500ms`, `5s`, `1m30s`, `1h0m0s`. */
function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const trim = (x: number) => String(Number(x.toFixed(9)));
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${trim(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trim(ns / 1e6)}ms`;
  const hours = Math.floor(ns / 3.6e12);
  const minutes = Math.floor((ns % 3.6e12) / 6e10);
  const seconds = `${trim((ns % 6e10) / 1e9)}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  return minutes > 0 ? `${minutes}m${seconds}` : seconds;
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
export function historyFor(step: Step, created: string | undefined): HistoryEntry {
  return { ...(created === undefined ? {} : { created }), created_by: createdBy(step), comment: HISTORY_COMMENT };
}

/**
 * Dates the undated history entries (metadata steps) and the image as BuildKit's exporter does:
 * an undated entry takes the time of the first dated entry after the first undated one (the build's
 * first new layer), or of the last dated entry, and later ones the time of the entry before them;
 * the image's `created` is its last entry's. A rebuild from cache so keeps the image ID.
 */
export function withCreatedTimes(config: ImageConfig, now: string): ImageConfig {
  const history = config.history ?? [];
  let created: string | undefined;
  let sawUndated = false;
  for (const entry of history) {
    if (entry.created === undefined) sawUndated = true;
    else {
      created = entry.created;
      if (sawUndated) break;
    }
  }
  created ??= now;
  sawUndated = false;
  const dated = history.map((entry) => {
    if (entry.created === undefined) {
      sawUndated = true;
      return { ...entry, created };
    }
    if (sawUndated) created = entry.created;
    return entry;
  });
  return { ...config, created: dated.at(-1)?.created ?? now, history: dated };
}

function createdBy(step: Step): string {
  const op = step.op;
  switch (op.kind) {
    case 'exec': {
      const args = op.buildArgs.length > 0 ? `|${op.buildArgs.length} ${op.buildArgs.join(' ')} ` : '';
      return `RUN ${args}${op.args.join(' ')} # buildkit`;
    }
    case 'file':
      return op.action === 'mkdir' ? `WORKDIR ${op.path}` : `${step.history ?? oneLine(step.instruction)} # buildkit`;
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
