// Attribute rules shared by the cache backends (the exporters have their own in executor/).
import { TsbuildError } from '../../errors.js';
import type { CacheFlag } from '../backend.js';

/** A boolean attribute (`true`/`false`/`1`/`0`, a bare key is true); absent means `fallback`. */
export function boolAttribute(fields: Record<string, string>, name: string, flag: CacheFlag, fallback: boolean): boolean {
  const value = fields[name];
  if (value === undefined) return fallback;
  if (value === '' || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new TsbuildError('USAGE', `${flag} type=${fields.type}: ${name} must be true or false, got "${value}"`);
}
