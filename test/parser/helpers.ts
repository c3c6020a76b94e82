// Small builders shared by the parser tests.
import { parseDockerfile } from '../../src/parser/index.js';
import type { Instruction } from '../../src/parser/types.js';

/** The first instruction after `FROM scratch` in a one-stage Dockerfile made of `line`. */
export function onlyInstruction(line: string): Instruction {
  const parsed = parseDockerfile(`FROM scratch\n${line}\n`);
  const [first] = parsed.stages[0].instructions;
  if (!first) throw new Error(`no instruction parsed from ${line}`);
  return first;
}

/** Narrows an instruction to one kind or fails the test. */
export function as<K extends Instruction['kind']>(ins: Instruction, kind: K): Extract<Instruction, { kind: K }> {
  if (ins.kind !== kind) throw new Error(`expected ${kind}, got ${ins.kind}`);
  return ins as Extract<Instruction, { kind: K }>;
}
