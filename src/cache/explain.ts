// --explain-cache: why did a step miss? Compares the new key parts with the record last
// written for the same step identity and names what changed.
import { canonicalJson } from '../spec/index.js';
import type { CacheKeyParts } from './keys.js';
import type { CacheRecord } from './records.js';

export interface MissExplanationInput {
  parts: CacheKeyParts;
  fileDigests?: Record<string, string>;
  /** Names of the input steps, to say "parent step X changed". */
  inputNames?: readonly string[];
}

/** Human-readable reasons, most specific first. */
export function explainMiss(current: MissExplanationInput, previous: CacheRecord | undefined): string[] {
  if (!previous) return ['no previous build of this step'];
  const reasons = [
    ...definitionChanges(current.parts.definition, previous.parts.definition),
    ...contentChanges(current, previous),
    ...inputChanges(current, previous),
  ];
  return reasons.length > 0 ? reasons : ['the cache record was removed (pruned or never completed)'];
}

function definitionChanges(now: unknown, before: unknown): string[] {
  if (canonicalJson(now) === canonicalJson(before)) return [];
  if (!isRecord(now) || !isRecord(before)) return ['the instruction changed'];
  const fields = new Set([...Object.keys(now), ...Object.keys(before)]);
  const reasons: string[] = [];
  for (const field of [...fields].sort()) {
    if (canonicalJson(now[field]) === canonicalJson(before[field])) continue;
    reasons.push(describeField(field, now[field], before[field]));
  }
  return reasons;
}

function describeField(field: string, now: unknown, before: unknown): string {
  if (field === 'buildArgs' && isRecord(now) && isRecord(before)) {
    const names = [...new Set([...Object.keys(now), ...Object.keys(before)])].filter(
      (k) => now[k] !== before[k],
    );
    return `build arg ${names.join(', ')} changed`;
  }
  if (field === 'env' || field === 'args') return `${field} changed: ${diffList(now, before)}`;
  return `${field} changed: ${short(before)} -> ${short(now)}`;
}

function diffList(now: unknown, before: unknown): string {
  const a = new Set(Array.isArray(now) ? now.map(String) : []);
  const b = new Set(Array.isArray(before) ? before.map(String) : []);
  const added = [...a].filter((x) => !b.has(x)).map((x) => `+${x.split('=')[0]}`);
  const removed = [...b].filter((x) => !a.has(x)).map((x) => `-${x.split('=')[0]}`);
  return [...added, ...removed].join(' ') || 'order';
}

function contentChanges(current: MissExplanationInput, previous: CacheRecord): string[] {
  const reasons: string[] = [];
  for (const [name, digest] of Object.entries(current.parts.contents)) {
    const before = previous.parts.contents[name];
    if (before === digest) continue;
    const files = changedFiles(current.fileDigests, previous.fileDigests);
    const from = /^from:(\d+)$/.exec(name);
    if (from) reasons.push(`files copied from ${current.inputNames?.[Number(from[1])] ?? `step #${Number(from[1]) + 1}`} changed`);
    else if (files.length > 0 && name.startsWith('context')) reasons.push(...files);
    else reasons.push(`${name} changed: ${before ?? 'none'} -> ${digest}`);
  }
  return reasons;
}

function changedFiles(now?: Record<string, string>, before?: Record<string, string>): string[] {
  if (!now || !before) return [];
  const out: string[] = [];
  for (const [file, digest] of Object.entries(now)) {
    if (!(file in before)) out.push(`file added: ${file}`);
    else if (before[file] !== digest) out.push(`file changed: ${file}`);
  }
  for (const file of Object.keys(before)) if (!(file in now)) out.push(`file removed: ${file}`);
  return out.slice(0, 20);
}

function inputChanges(current: MissExplanationInput, previous: CacheRecord): string[] {
  const reasons: string[] = [];
  current.parts.inputKeys.forEach((key, i) => {
    if (previous.parts.inputKeys[i] !== key) reasons.push(`parent step ${current.inputNames?.[i] ?? `#${i + 1}`} changed`);
  });
  return reasons;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function short(value: unknown): string {
  const text = value === undefined ? 'unset' : canonicalJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
