// `RUN --mount=...`: BuildKit's CSV option syntax, option names and aliases, defaults and
// validation, into the typed MountSpec union. As in BuildKit, a mount whose values use variables
// is parsed only once the planner expands them (every field, `type` included; `from` never takes
// variables). An empty target means the working directory (relative targets resolve against WORKDIR).

import type { MountSpec } from './types.js';
import { parseRamInBytes } from '../spec/index.js';
import { closestMatch } from './suggest.js';

export class MountError extends Error {
  constructor(
    message: string,
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

const MOUNT_TYPES = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'] as const;
type MountType = (typeof MOUNT_TYPES)[number];
const KEYS = ['type', 'from', 'source', 'target', 'readonly', 'id', 'sharing', 'required', 'mode', 'uid', 'gid', 'size', 'env', 'src', 'dst', 'destination', 'ro', 'rw', 'readwrite'];
const ALIASES: Record<string, string> = { src: 'source', dst: 'target', destination: 'target', ro: 'readonly', rw: 'readwrite' };

/** The options of one mount, keys canonical (aliases resolved), after BuildKit's CSV rules. */
interface MountOptions {
  type: MountType;
  values: Map<string, string>;
  readonly?: boolean;
  required: boolean;
}

/** Splits one CSV record (encoding/csv: `"` quoting with `""` escapes). */
export function splitCsv(value: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '"' && value[i + 1] === '"') field += value[++i];
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) throw new MountError(`failed to parse csv mounts: extraneous or missing " in quoted-field`);
  fields.push(field);
  return fields;
}

function parseBool(key: string, value: string): boolean {
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new MountError(`invalid value for ${key}: ${value}`);
}

function readOptions(value: string, expand: (text: string) => string): MountOptions {
  const options: MountOptions = { type: 'bind', values: new Map(), required: false };
  for (const field of splitCsv(value)) {
    const eq = field.indexOf('=');
    const rawKey = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const key = ALIASES[rawKey] ?? rawKey;
    if (eq < 0 && (key === 'readonly' || key === 'readwrite')) options.readonly = key === 'readonly';
    else if (eq < 0 && key === 'required') options.required = requiredAllowed(options.type, key);
    else if (eq < 0) throw new MountError(`invalid field '${field}' must be a key=value pair`);
    else applyOption(options, key, rawKey, expand(field.slice(eq + 1)), field);
  }
  return options;
}

function requiredAllowed(type: MountType, key: string): true {
  if (type !== 'secret' && type !== 'ssh') throw new MountError(`unexpected key '${key}' for mount type '${type}'`);
  return true;
}

function applyOption(options: MountOptions, key: string, rawKey: string, value: string, field: string): void {
  if (key === 'type') {
    const type = value.toLowerCase();
    if (!(MOUNT_TYPES as readonly string[]).includes(type)) {
      throw new MountError(`unsupported mount type "${value}"`, closestMatch(value, MOUNT_TYPES));
    }
    options.type = type as MountType;
  } else if (key === 'readonly') options.readonly = parseBool(rawKey, value);
  else if (key === 'readwrite') options.readonly = !parseBool(rawKey, value);
  else if (key === 'required') options.required = requiredAllowed(options.type, key) && parseBool(key, value);
  else if (key === 'from' && /\$./.test(value)) {
    throw new MountError(`'from' doesn't support variable expansion, define alias stage instead`);
  } else if (key === 'sharing' && !['shared', 'private', 'locked'].includes(value.toLowerCase())) {
    throw new MountError(`unsupported sharing value "${value}"`);
  } else if (KEYS.includes(key)) options.values.set(key, key === 'sharing' ? value.toLowerCase() : value);
  else throw new MountError(`unexpected key '${rawKey}' in '${field}'`, closestMatch(rawKey, KEYS));
}

function unsignedOption(options: MountOptions, key: 'mode' | 'uid' | 'gid', radix: 8 | 10): number | undefined {
  const value = options.values.get(key);
  if (value === undefined) return undefined;
  const pattern = radix === 8 ? /^[0-7]+$/ : /^\d+$/;
  const parsed = parseInt(value, radix);
  if (!pattern.test(value) || parsed > 0xffffffff) throw new MountError(`invalid value ${value} for ${key}`);
  return parsed;
}

function parseSize(value: string): number {
  const bytes = parseRamInBytes(value);
  if (bytes === undefined) throw new MountError(`invalid size: '${value}'`);
  return bytes;
}

function checkAllowed(options: MountOptions): void {
  const { type, values } = options;
  const fileInfo = type === 'secret' || type === 'ssh' || type === 'cache';
  for (const key of ['mode', 'uid', 'gid']) {
    if (values.has(key) && !fileInfo) throw new MountError(`${key} not allowed for "${type}" type mounts`);
  }
  if (values.has('sharing') && type !== 'cache') throw new MountError(`invalid cache sharing set for ${type} mount`);
  if (values.has('size') && type !== 'tmpfs') throw new MountError(`size not allowed for "${type}" type mounts`);
  if (values.has('env') && type !== 'secret') throw new MountError(`env not allowed for "${type}" type mounts`);
  if (type === 'secret') checkSecret(values);
}

function checkSecret(values: Map<string, string>): void {
  if (values.has('from')) throw new MountError('secret mount should not have a from');
  if (!values.get('source') && !values.get('target') && !values.get('id') && !values.get('env')) {
    throw new MountError('invalid secret mount. one of source, target required');
  }
  if (values.get('source') && values.get('id')) throw new MountError("both source and id can't be set");
}

/** Whether a value (other than `from`, which may not) uses variables; `from=$X` is an error here. */
function usesVariables(value: string): boolean {
  let uses = false;
  for (const field of splitCsv(value)) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const key = field.slice(0, eq).toLowerCase();
    const fieldValue = field.slice(eq + 1);
    if (key === 'from' && /\$./.test(fieldValue)) throw new MountError(`'from' doesn't support variable expansion, define alias stage instead`);
    if (key !== 'from' && fieldValue.includes('$')) uses = true;
  }
  return uses;
}

/**
 * Parses one `--mount` value. Without `expand` (parse time) a value using variables is kept
 * as written (`deferred`); the planner parses it again with its stage's expansion.
 */
export function parseMount(value: string, expand?: (text: string) => string): MountSpec {
  if (!expand && usesVariables(value)) return { type: 'deferred', raw: value };
  const options = readOptions(value, expand ?? ((text) => text));
  checkAllowed(options);
  const v = options.values;
  const fileInfo = { mode: unsignedOption(options, 'mode', 8), uid: unsignedOption(options, 'uid', 10), gid: unsignedOption(options, 'gid', 10) };
  switch (options.type) {
    case 'bind':
      return { type: 'bind', target: v.get('target') ?? '', source: v.get('source'), from: v.get('from'), readwrite: options.readonly === false };
    case 'cache': {
      const sharing = (v.get('sharing') ?? 'shared') as 'shared' | 'private' | 'locked';
      return { type: 'cache', target: v.get('target') ?? '', id: v.get('id'), source: v.get('source'), from: v.get('from'), sharing, readonly: options.readonly === true, ...fileInfo };
    }
    case 'tmpfs': {
      const size = v.get('size');
      return { type: 'tmpfs', target: v.get('target') ?? '', size: size === undefined ? undefined : parseSize(size) };
    }
    case 'secret':
      return { type: 'secret', id: v.get('id') ?? v.get('source'), target: v.get('target'), env: v.get('env'), required: options.required, ...fileInfo };
    case 'ssh':
      return { type: 'ssh', id: v.get('id'), target: v.get('target'), required: options.required, ...fileInfo };
    default: {
      const unreachable: never = options.type;
      throw new MountError(`unsupported mount type ${String(unreachable)}`);
    }
  }
}
