// Content-addressed step ids: sha256 of the canonical JSON of `{ op, inputs }`.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../spec/index.js';
import type { Op, StepId } from './types.js';

export function stepIdOf(op: Op, inputs: StepId[]): StepId {
  return `sha256:${createHash('sha256').update(canonicalJson({ op, inputs })).digest('hex')}`;
}
