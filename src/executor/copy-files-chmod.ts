// `--chmod` values: octal (`755`, `0644`) or symbolic (`u+x,g-w`, `a=rX`), applied per copied entry.
import { TsbuildError } from '../errors.js';

/** Computes the new permission bits of an entry from its current mode. */
export type ModeChange = (mode: number, isDirectory: boolean) => number;

const OCTAL = /^[0-7]{1,4}$/;
const CLAUSE = /^([ugoa]*)([-+=])([rwxXst]*)$/;

export function parseChmod(spec: string): ModeChange {
  if (OCTAL.test(spec)) {
    const mode = parseInt(spec, 8);
    return () => mode;
  }
  const clauses = spec.split(',').map((clause) => parseClause(clause, spec));
  return (mode, isDirectory) => clauses.reduce((current, apply) => apply(current, isDirectory), mode & 0o7777);
}

function parseClause(clause: string, spec: string): ModeChange {
  const match = CLAUSE.exec(clause);
  if (!match) throw new TsbuildError('USAGE', `invalid --chmod value "${spec}": expected octal or symbolic like u+x,g-w`);
  const [, who = '', op, perms = ''] = match;
  const mask = whoMask(who === '' ? 'a' : who);
  return (mode, isDirectory) => {
    const bits = permBits(perms, mode, isDirectory) & mask;
    switch (op) {
      case '+':
        return mode | bits;
      case '-':
        return mode & ~bits;
      default:
        return (mode & ~mask) | bits;
    }
  };
}

/** The bits a who-list may touch (setuid/setgid go with u/g, sticky with a/o). */
function whoMask(who: string): number {
  let mask = 0;
  for (const c of who) {
    if (c === 'u' || c === 'a') mask |= 0o4700;
    if (c === 'g' || c === 'a') mask |= 0o2070;
    if (c === 'o' || c === 'a') mask |= 0o1007;
  }
  return mask;
}

function permBits(perms: string, mode: number, isDirectory: boolean): number {
  let bits = 0;
  for (const c of perms) {
    if (c === 'r') bits |= 0o444;
    if (c === 'w') bits |= 0o222;
    if (c === 'x' || (c === 'X' && (isDirectory || (mode & 0o111) !== 0))) bits |= 0o111;
    if (c === 's') bits |= 0o6000;
    if (c === 't') bits |= 0o1000;
  }
  return bits;
}
