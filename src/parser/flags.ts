// Declarative instruction flags (BuildKit's BFlags): each instruction declares the flags it
// takes; parsing rejects unknown, duplicated and malformed ones with BuildKit's messages.

import { closestMatch } from './suggest.js';

export type FlagKind = 'bool' | 'string' | 'strings';

/** Flag declarations: name -> kind. */
export type FlagSpec = Record<string, FlagKind>;

export interface ParsedFlags {
  /** Last value of each `string` flag, `'true'`/`'false'` for `bool` flags; absent when unused. */
  values: Map<string, string>;
  /** Every value of each `strings` flag, in order. */
  lists: Map<string, string[]>;
}

/** An invalid flag; `suggestion` names the closest declared flag for unknown ones. */
export class FlagError extends Error {
  constructor(
    message: string,
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

/** Parses `--name[=value]` words against `spec`. */
export function parseFlags(words: string[], spec: FlagSpec): ParsedFlags {
  const parsed: ParsedFlags = { values: new Map(), lists: new Map() };
  for (const word of words) {
    if (!word.startsWith('--')) throw new FlagError(`arg should start with -- : ${word}`);
    if (word === '--') break;
    const eq = word.indexOf('=');
    const name = eq >= 0 ? word.slice(2, eq) : word.slice(2);
    const value = eq >= 0 ? word.slice(eq + 1) : undefined;
    const kind = spec[name];
    if (kind === undefined) {
      const hint = closestMatch(name, Object.keys(spec));
      throw new FlagError(`unknown flag: --${name}`, hint);
    }
    applyFlag(parsed, name, kind, value);
  }
  return parsed;
}

function applyFlag(parsed: ParsedFlags, name: string, kind: FlagKind, value: string | undefined): void {
  if (kind !== 'strings' && parsed.values.has(name)) throw new FlagError(`duplicate flag specified: ${name}`);
  switch (kind) {
    case 'bool': {
      if (value === '') throw new FlagError(`missing a value on flag: ${name}`);
      const lower = (value ?? 'true').toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        throw new FlagError(`expecting boolean value for flag ${name}, not: ${value}`);
      }
      parsed.values.set(name, lower);
      return;
    }
    case 'string':
      if (value === undefined) throw new FlagError(`missing a value on flag: ${name}`);
      parsed.values.set(name, value);
      return;
    case 'strings':
      if (value === undefined) throw new FlagError(`missing a value on flag: ${name}`);
      parsed.lists.set(name, [...(parsed.lists.get(name) ?? []), value]);
      return;
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown flag kind ${String(unreachable)}`);
    }
  }
}

export function flagBool(flags: ParsedFlags, name: string): boolean {
  return flags.values.get(name) === 'true';
}
