// The `secrets` (id=value) and `secret-files` (id=path) inputs as `--secret id=..,src=..`
// mounts: values go to private temp files (mode 0600) that the action deletes afterwards.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';

export interface SecretMount {
  id: string;
  src: string;
}

/** Splits `id=value` at the first `=`; both parts must be non-empty (as the toolkit requires). */
export function splitSecretItem(item: string, input: 'secrets' | 'secret-files'): { id: string; value: string } {
  const eq = item.indexOf('=');
  const id = eq < 0 ? '' : item.slice(0, eq);
  const value = eq < 0 ? '' : item.slice(eq + 1);
  if (id === '' || value === '') {
    // Never echo the item: it may hold the secret value itself.
    const shown = id === '' ? 'an item without an id' : `the item with id "${id}"`;
    throw new TsbuildError('USAGE', `input "${input}": ${shown} is not of the form id=${input === 'secrets' ? 'value' : 'path'}`);
  }
  return { id, value };
}

/** Writes each `id=value` secret to `<dir>/<n>` with mode 0600 (dir created with 0700). */
export function writeSecretFiles(items: string[], dir: string): SecretMount[] {
  if (items.length === 0) return [];
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return items.map((item, index) => {
    const { id, value } = splitSecretItem(item, 'secrets');
    const src = join(dir, String(index));
    writeFileSync(src, value, { mode: 0o600, flag: 'wx' });
    return { id, src };
  });
}

/** Maps `id=path` items to mounts of those files, checking that each file exists. */
export function secretFileMounts(items: string[]): SecretMount[] {
  return items.map((item) => {
    const { id, value: src } = splitSecretItem(item, 'secret-files');
    if (!existsSync(src)) throw new TsbuildError('USAGE', `input "secret-files": file ${src} (id "${id}") not found`);
    return { id, src };
  });
}

/** A `secret-envs` item `id=ENV_VAR` as `id=X,env=ENV_VAR` (the variable is read by the CLI from the step's environment). */
export function secretEnvFlag(item: string): string {
  const eq = item.indexOf('=');
  const id = eq < 0 ? '' : item.slice(0, eq);
  const variable = eq < 0 ? '' : item.slice(eq + 1);
  if (id === '' || variable === '') throw new TsbuildError('USAGE', `input "secret-envs": "${item}" is not of the form id=ENV_VAR`);
  return [`id=${id}`, `env=${variable}`].map(quoteCsvField).join(',');
}

/** `id=X,src=PATH` in docker's CSV syntax: a field holding `,` or `"` is quoted. */
export function secretFlag(mount: SecretMount): string {
  return [`id=${mount.id}`, `src=${mount.src}`].map(quoteCsvField).join(',');
}

function quoteCsvField(field: string): string {
  return /[",]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
